/// An aligned table for a person (`tick stats`, `dead list`, `jobs`, `runs`): columns padded to their widest
/// cell, measured without colour, so colouring a state never shifts a column.
struct TextTable {
    /// A column: its heading and which side its cells keep to.
    struct Column {
        let title: String
        var rightAligned = false

        init(_ title: String, right: Bool = false) {
            self.title = title
            self.rightAligned = right
        }
    }

    /// A cell: its text, and the state it shows, if any (then the palette colours it).
    struct Cell: ExpressibleByStringLiteral {
        let text: String
        /// The state word whose colour the cell takes (`dead`, `ready`, `completed` …).
        var state: String?

        init(_ text: String, state: String? = nil) {
            self.text = text
            self.state = state
        }

        init(stringLiteral value: String) { self.init(value) }

        /// A state word, coloured by the palette.
        static func state(_ text: String) -> Cell { Cell(text, state: text) }
    }

    let columns: [Column]
    var rows: [[Cell]] = []
    /// Spaces between columns.
    var gap = 2

    init(_ columns: [Column]) { self.columns = columns }

    mutating func add(_ cells: [Cell]) { rows.append(cells) }

    /// The heading line and one line per row; the last column is not padded (no trailing spaces).
    func lines(_ palette: Palette) -> [String] {
        var widths = columns.map(\.title.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.text.count) }
        }
        let heading = columns.map { Cell($0.title) }
        return ([heading] + rows).map { row in
            row.enumerated().map { index, cell in
                let width = index < widths.count ? widths[index] : 0
                let padding = String(repeating: " ", count: max(0, width - cell.text.count))
                let text = cell.state.map { palette.state(cell.text, as: $0) } ?? cell.text
                let right = index < columns.count && columns[index].rightAligned
                if right { return padding + text }
                return index == row.count - 1 ? text : text + padding
            }.joined(separator: String(repeating: " ", count: gap))
        }
    }
}
