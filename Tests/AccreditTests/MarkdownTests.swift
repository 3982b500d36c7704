import AccreditMarkdown
import Testing

@Suite("Markdown through libcmark")
struct MarkdownTests {
  @Test func rendersCommonMark() {
    let html = Markdown.html(from: "# Notes\n\nThe partner *agreed* to:\n\n- refund\n- redo the import\n")
    #expect(
      html
        == "<h1>Notes</h1>\n<p>The partner <em>agreed</em> to:</p>\n<ul>\n<li>refund</li>\n<li>redo the import</li>\n</ul>\n"
    )
  }

  struct Hostile: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String
    let forbidden: [String]
    var testDescription: String { name }
  }

  @Test(arguments: [
    Hostile(name: "a script block", source: "<script>alert(1)</script>\n", forbidden: ["<script"]),
    Hostile(name: "inline script", source: "Hello <script>alert(1)</script> there", forbidden: ["<script"]),
    Hostile(name: "a javascript: link", source: "[click](javascript:alert(1))", forbidden: ["javascript:"]),
    Hostile(name: "an upper-case JavaScript: link", source: "[click](JaVaScRiPt:alert(1))", forbidden: ["avascript:"]),
    Hostile(name: "a vbscript: link", source: "[click](vbscript:msgbox)", forbidden: ["vbscript:"]),
    Hostile(
      name: "an event handler attribute", source: "<img src=x onerror=alert(1)>", forbidden: ["<img", "onerror="]),
    Hostile(name: "an autolink with javascript:", source: "<javascript:alert(1)>", forbidden: ["href=\"javascript:"]),
    Hostile(
      name: "an image with a data: URL", source: "![x](data:text/html;base64,PHNjcmlwdD4=)",
      forbidden: ["data:text/html"]),
  ])
  func neverPassesRawHTMLOrDangerousLinks(_ row: Hostile) {
    let html = Markdown.html(from: row.source)
    for forbidden in row.forbidden {
      #expect(!html.contains(forbidden), "\(forbidden) survived in \(html)")
    }
  }

  @Test func codeSpansShowMarkupAsText() {
    #expect(Markdown.html(from: "`<script>`") == "<p><code>&lt;script&gt;</code></p>\n")
  }

  @Test func linksLibcmark() {
    #expect(Markdown.libraryVersion.split(separator: ".").count == 3)
  }
}
