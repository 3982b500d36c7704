import AccreditContent
import AccreditEngine
import AccreditSite
import Foundation
import Testing

@Suite("Templates")
struct TemplateTests {
  /// Writes `files` into a fresh templates folder and loads it over the built-in templates.
  private func load(_ files: [String: String]) throws -> Result<TemplateSet, TemplateSet.Failure> {
    try withTemporaryFolder { folder in
      for (path, text) in files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
      }
      do throws(TemplateSet.Failure) {
        return .success(try TemplateSet.load(overlay: folder))
      } catch {
        return .failure(error)
      }
    }
  }

  private func report(_ failure: TemplateSet.Failure) -> String {
    DiagnosticFormatter(root: "site-templates", sources: failure.sources).report(failure.diagnostics)
  }

  @Test func builtInTemplatesMatchTheSiteTemplatesFolder() throws {
    let folder = repositoryRoot.appendingPathComponent("site-templates")
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    var onDisk: [String: String] = [:]
    while let url = enumerator?.nextObject() as? URL {
      guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
      let path = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
      onDisk[path] = try String(contentsOf: url, encoding: .utf8)
    }
    let builtIn = Dictionary(uniqueKeysWithValues: TemplateSet.builtInFiles.map { ($0.path, $0.text) })
    #expect(
      builtIn == onDisk,
      "the embedded templates differ from site-templates/ (the EmbedTemplates plugin writes them at build time)")
  }

  @Test func aMissingPartialIsAnErrorNamingTheFile() throws {
    let result = try load([
      "partner.mustache": "{{<layout}}{{$content}}\n<p>{{> reason-lst}}</p>{{/content}}{{/layout}}\n"
    ])
    guard case .failure(let failure) = result else {
      Issue.record("a missing partial loaded")
      return
    }
    #expect(
      report(failure) == """
        site-templates/partner.mustache:2:4: error: partial 'reason-lst' not found: there is no reason-lst.mustache in the templates folder or among the built-in templates
        <p>{{> reason-lst}}</p>{{/content}}{{/layout}}
           ^
        1 error, 0 warnings

        """)
  }

  @Test func aSyntaxErrorIsReportedWithItsPosition() throws {
    let result = try load(["case.mustache": "<h1>\n{{#page}}\n<p>{{id}}</p>\n{{/pages}}\n"])
    guard case .failure(let failure) = result else {
      Issue.record("a broken template loaded")
      return
    }
    #expect(
      report(failure) == """
        site-templates/case.mustache:4:1: error: '{{/pages}}' does not match the open section 'page' of line 2
        {{/pages}}
        ^
        1 error, 0 warnings

        """)
  }

  @Test func aTemplateThatIncludesItselfFailsTheBuildAndLeavesTheOutput() throws {
    try withTemporaryFolder { folder in
      let templates = folder.appendingPathComponent("templates")
      try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
      try Data("{{<layout}}{{$content}}{{>loop}}{{/content}}{{/layout}}\n".utf8)
        .write(to: templates.appendingPathComponent("faq.mustache"))
      try Data("[{{>loop}}]".utf8).write(to: templates.appendingPathComponent("loop.mustache"))
      let output = folder.appendingPathComponent("public")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      try Data("before".utf8).write(to: output.appendingPathComponent("index.html"))
      let request = SiteBuilder.Request(
        content: repositoryRoot.appendingPathComponent("content"), templates: templates,
        asOf: Day("2026-11-15"), today: Day("2026-11-15"))
      #expect {
        try SiteBuilder.build(request, into: .init(folder: output))
      } throws: { error in
        guard case .templates(let diagnostics, _) = error as? SiteBuilder.Failure else { return false }
        return diagnostics.map(\.message) == [
          "'loop' nests more than 200 levels deep: does a partial include itself outside a section?"
        ] && diagnostics.map(\.location.file) == ["faq.mustache"]
      }
      #expect(try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8) == "before")
    }
  }

  @Test func aMissingFolderIsAnError() {
    #expect(throws: TemplateSet.Failure.self) {
      try TemplateSet.load(overlay: URL(fileURLWithPath: "/no/such/templates"))
    }
  }

  @Test func aCustomTemplateOverridesAndTheRestFallBack() throws {
    let tree = Tree([
      "partners/a.yaml": "name: Alpha\ntiers:\n  - { reviewed: 2026-01-15, tier: platinum }\n"
    ]).load()
    let result = try load([
      "faq.mustache": "CUSTOM FAQ for {{siteTitle}}\n",
      "static/assets/style.css": "body { color: red }\n",
    ])
    let templates = try result.get()
    let renderer = SiteRenderer(
      content: tree.content, evaluations: [], asOf: Day("2026-11-15"), contentName: "content", templates: templates)
    let files = Dictionary(
      uniqueKeysWithValues: try renderer.render().map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
    #expect(files["faq/index.html"] == "CUSTOM FAQ for Test\n")
    #expect(files["assets/style.css"] == "body { color: red }\n")
    #expect(files["index.html"]?.contains("<h1>Accreditation status</h1>") == true, "the home page falls back")
    #expect(files["assets/site.js"]?.contains("partners-table") == true, "the script falls back")
  }
}
