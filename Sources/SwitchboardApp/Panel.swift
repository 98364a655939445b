import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// The panel over the list, if any.
public enum Panel: Equatable, Sendable {
    case connect(ConnectPanel)
    case disconnect(DisconnectPanel)
    case add(AddForm)
    /// Use a client the person registered in the provider's dashboard.
    case client(ClientForm)
    /// Remove: the connection's name, waiting for y/N.
    case remove(name: String)
    /// `c` on a connection that is connected: sign in again? y/N.
    case signInAgain(SignInAgainPanel)
    /// Every key; `scroll`: the first line shown.
    case help(scroll: Int)
    /// The doctor's report for a connection: nil lines while it runs.
    case doctor(DoctorPanel)
    /// A connection's activity, newest first, updating while open.
    case timeline(TimelinePanel)
}
