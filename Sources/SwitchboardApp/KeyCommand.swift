import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// What a key does in a panel. One table per panel drives both dispatch and the footer hints.
public enum KeyCommand: Equatable, Sendable {
    case up, down, pageUp, pageDown, top, bottom
    case open, connect, reconnect, disconnect, filter, help, quit
    case close, openBrowserAgain, cancel, confirm, decline
    case add, remove, nextField, previousField, submit, check
    case paste, useDevice, useBrowser, doctor, manualClient, timeline
}
