/// Text-format PostgreSQL array literals, so a whole batch travels as a few `unnest($n::type[])` parameters
/// of one statement instead of one statement per row.
enum PostgresArray {
    /// `{"a","b\"c",NULL}`: every element quoted, `"` and `\` escaped.
    static func text(_ values: [String?]) -> PostgresParameter {
        // Built as UTF-8 bytes: appending scalar by scalar to a String was a tenth of a drain's CPU.
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        out.append(UInt8(ascii: "{"))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            guard let value else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return PostgresParameter(String(decoding: out, as: UTF8.self))
    }

    /// `{1,2,NULL}`.
    static func integers(_ values: [Int64?]) -> PostgresParameter {
        PostgresParameter("{" + values.map { $0.map { String($0) } ?? "NULL" }.joined(separator: ",") + "}")
    }

    /// `{t,f}`.
    static func booleans(_ values: [Bool]) -> PostgresParameter {
        PostgresParameter("{" + values.map { $0 ? "t" : "f" }.joined(separator: ",") + "}")
    }
}
