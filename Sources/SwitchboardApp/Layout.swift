import Canvas

/// Where each part of the main screen goes at a given size.
public struct Layout: Equatable, Sendable {
    public static let minWidth = 60
    public static let minHeight = 16

    public var header: Rect
    public var columns: Rect
    public var list: Rect
    public var detail: Rect
    public var footer: Rect

    public init(width: Int, height: Int) {
        let detailHeight = height >= 28 ? 10 : 9
        header = Rect(x: 0, y: 0, width: width, height: 1)
        columns = Rect(x: 0, y: 1, width: width, height: 1)
        list = Rect(x: 0, y: 2, width: width, height: max(0, height - 3 - detailHeight))
        detail = Rect(x: 0, y: height - 1 - detailHeight, width: width, height: detailHeight)
        footer = Rect(x: 0, y: height - 1, width: width, height: 1)
    }

    public var tooSmall: Bool { header.width < Layout.minWidth || footer.y + 1 < Layout.minHeight }
}
