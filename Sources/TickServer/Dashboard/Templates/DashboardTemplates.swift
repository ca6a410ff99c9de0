import Mustache

/// The dashboard's Mustache templates (swift-mustache), compiled into the binary so `tick-serve` needs no
/// files beside it. `{{name}}` escapes HTML; `{{{name}}}` is used only for SVG the server drew from numbers.
enum DashboardTemplates {
    /// Every page and partial, parsed once.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        let sources: [(String, String)] = [
            ("header", header), ("footer", footer), ("login", login), ("overview", overview), ("job", job), ("dead", dead),
            ("confirm", confirm), ("schedules", schedules), ("message", message),
        ]
        for (name, source) in sources {
            // A template that does not parse is left out: its page then says so (render), and every test fails.
            try? library.register(source, named: name)
        }
        return library
    }()

    /// Renders `template` with `context`.
    static func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? "<!doctype html><title>tick</title><p>the template \(template) did not parse: this is a bug in tick-serve</p>"
    }
}
