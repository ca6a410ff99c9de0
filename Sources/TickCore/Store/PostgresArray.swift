/// Text-format PostgreSQL array literals, so a whole batch travels as a few `unnest($n::type[])` parameters
/// of one statement instead of one statement per row.
enum PostgresArray {
    /// `{"a","b\"c",NULL}`: every element quoted, `"` and `\` escaped.
    static func text(_ values: [String?]) -> PostgresParameter {
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            guard let value else {
                out += "NULL"
                continue
            }
            out += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { out += "\\" }
                out.unicodeScalars.append(character)
            }
            out += "\""
        }
        return PostgresParameter(out + "}")
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
