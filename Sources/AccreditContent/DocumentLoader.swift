import AccreditEngine

/// Reads FAQ entries and free pages: front matter with a heading and an optional `order`, then Markdown.
enum DocumentLoader {
  static func faq(_ source: SourceText, slug: String, sink: DiagnosticSink) -> FAQEntry? {
    guard let (heading, order, body) = load(source, headingKey: "question", what: "FAQ front matter", sink: sink)
    else { return nil }
    return FAQEntry(
      slug: slug, question: heading, order: order, body: body, location: SourceLocation(file: source.path))
  }

  static func page(_ source: SourceText, slug: String, sink: DiagnosticSink) -> Page? {
    guard let (heading, order, body) = load(source, headingKey: "title", what: "page front matter", sink: sink)
    else { return nil }
    return Page(slug: slug, title: heading, order: order, body: body, location: SourceLocation(file: source.path))
  }

  private static func load(_ source: SourceText, headingKey: String, what: String, sink: DiagnosticSink)
    -> (heading: String, order: Int?, body: String)?
  {
    guard let frontMatter = FrontMatter.split(source, sink: sink) else { return nil }
    let document = YAMLDocument(path: source.path, lineOffset: 1, sink: sink)
    guard let root = document.compose(frontMatter.yaml, emptyMessage: "front matter is empty"),
      let fields = Fields(root, in: document, what: what, allowed: [headingKey, "order"])
    else { return nil }
    let order = fields.int("order")
    guard let heading = fields.text(headingKey, required: true) else { return nil }
    return (heading, order, frontMatter.body)
  }
}

/// Reads `site.yaml`.
enum SiteLoader {
  static func load(_ source: SourceText, sink: DiagnosticSink) -> SiteSettings {
    let document = YAMLDocument(path: source.path, lineOffset: 0, sink: sink)
    guard let root = document.compose(source.text, emptyMessage: "site settings file is empty"),
      let fields = Fields(root, in: document, what: "site settings", allowed: FormatKeys.site)
    else { return .defaults }
    var baseURL = fields.text("base_url") ?? SiteSettings.defaults.baseURL
    if let node = fields.value("base_url"), !(baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://")) {
      document.error("'base_url' must be an absolute http:// or https:// address", at: node)
    }
    if !baseURL.hasSuffix("/") { baseURL += "/" }
    return SiteSettings(
      title: fields.text("title") ?? SiteSettings.defaults.title, baseURL: baseURL, asOf: fields.day("as_of"),
      search: fields.bool("search"))
  }
}
