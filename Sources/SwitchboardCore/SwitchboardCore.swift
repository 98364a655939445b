// The engine's rooms, for the code that needs all of them (the engine, the commands, the tests).
// A part that needs fewer imports only its rooms: the screen (`SwitchboardApp`) reads the model and the
// text for people, and never links the stores, the system calls or the other clients' configuration.
@_exported import SwitchboardModel
@_exported import SwitchboardText
@_exported import SwitchboardStorage
@_exported import SwitchboardSystem
@_exported import ClientConfigs
