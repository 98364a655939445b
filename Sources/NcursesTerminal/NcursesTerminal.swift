import CNcurses
import Canvas
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The thin ncurses backend: copies cells to the terminal, turns curses keys into `Key`s, restores the
/// terminal on every exit path.
public final class NcursesTerminal: Terminal {
    private var previous: CellBuffer?
    private let colors: Bool
    private var restored = false

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        setlocale(LC_ALL, "")
        setenv("ESCDELAY", "25", 1)
        initscr()
        raw()
        noecho()
        nonl()
        keypad(sb_stdscr(), true)
        curs_set(0)
        colors = has_colors() && environment["NO_COLOR"] == nil
        if colors {
            start_color()
            use_default_colors()
            let table: [(Color, Int16)] = [(.green, Int16(COLOR_GREEN)), (.yellow, Int16(COLOR_YELLOW)), (.red, Int16(COLOR_RED)),
                                           (.blue, Int16(COLOR_BLUE)), (.cyan, Int16(COLOR_CYAN)), (.gray, Int16(COLOR_WHITE))]
            for (c, fg) in table { init_pair(Int16(c.rawValue), fg, -1) }
        }
    }

    deinit { restore() }

    public var size: (width: Int, height: Int) { (Int(sb_cols()), Int(sb_lines())) }

    public func draw(_ buffer: CellBuffer) {
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full { erase() }
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                // A wide character's second column is drawn by the character itself.
                if cell.isContinuation { continue }
                if !full, let p = previous, p[x, y] == cell, x + 1 >= buffer.width || p[x + 1, y] == buffer[x + 1, y] { continue }
                var attrs: UInt32 = 0
                if cell.style.bold { attrs |= sb_attr_bold() }
                if cell.style.reverse { attrs |= sb_attr_reverse() }
                if cell.style.dim { attrs |= sb_attr_dim() }
                let pair: Int16 = colors ? Int16(cell.style.color.rawValue) : 0
                let cluster = cell.character.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                _ = cluster.withUnsafeBufferPointer { sb_put_cluster(Int32(y), Int32(x), $0.baseAddress, Int32($0.count), attrs, pair) }
            }
        }
        previous = buffer
        refresh()
    }

    /// The terminal's size now (TIOCGWINSZ): when it differs from what ncurses drew for, ncurses is told
    /// (`resizeterm`) and the next frame is drawn whole. Asked whenever the loop wakes, so a resize shows at once.
    public func pendingResize() -> Key? {
        var ws = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return nil }
        let (w, h) = (Int(ws.ws_col), Int(ws.ws_row))
        guard w != Int(sb_cols()) || h != Int(sb_lines()) else { return nil }
        resizeterm(Int32(h), Int32(w))
        previous = nil
        return .resize(width: Int(sb_cols()), height: Int(sb_lines()))
    }

    /// Reads one key without waiting longer than `timeoutMilliseconds` (0: only what is pending).
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        wtimeout(sb_stdscr(), Int32(timeoutMilliseconds))
        var ch: wint_t = 0
        let r = wget_wch(sb_stdscr(), &ch)
        if r == sb_err() { return nil }
        let code = Int32(ch)
        if r == sb_key_code_yes() {
            switch code {
            case sb_key_up(): return .up
            case sb_key_down(): return .down
            case sb_key_left(): return .left
            case sb_key_right(): return .right
            case sb_key_npage(): return .pageDown
            case sb_key_ppage(): return .pageUp
            case sb_key_home(): return .home
            case sb_key_end(): return .end
            case sb_key_enter(): return .enter
            case sb_key_backspace(): return .backspace
            case sb_key_dc(): return .delete
            case sb_key_resize():
                previous = nil
                return .resize(width: Int(sb_cols()), height: Int(sb_lines()))
            default: return nil
            }
        }
        switch code {
        case 27: return .escape
        case 10, 13: return .enter
        case 127, 8: return .backspace
        case 9: return .tab
        case 1...26: return .ctrl(Character(UnicodeScalar(UInt8(96 + code))))
        default:
            guard let scalar = UnicodeScalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }

    public func restore() {
        guard !restored else { return }
        restored = true
        curs_set(1)
        endwin()
    }
}
