
/// Where frames go and keys come from; ncurses in the program, nothing in tests.
public protocol Terminal: AnyObject {
    var size: (width: Int, height: Int) { get }
    func draw(_ buffer: CellBuffer)
    /// Waits up to `timeoutMilliseconds` (negative: forever) for a key.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// A resize the terminal has not yet reported as a key (a `.resize`), or nil.
    func pendingResize() -> Key?
    func restore()
}

extension Terminal {
    public func pendingResize() -> Key? { nil }
}
