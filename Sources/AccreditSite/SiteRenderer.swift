public import AccreditContent
public import AccreditEngine

/// Renders every output file of the site from the content and its evaluation.
public struct SiteRenderer: Sendable {
  /// The content.
  public var content: Content
  /// Every partner's evaluation, by slug.
  public var evaluations: [PartnerEvaluation]
  /// The evaluation date.
  public var asOf: Day
  /// The content folder's name, which sources in `status.json` start with.
  public var contentName: String
  /// The templates.
  public var templates: TemplateSet

  /// Creates a renderer.
  public init(
    content: Content, evaluations: [PartnerEvaluation], asOf: Day, contentName: String, templates: TemplateSet
  ) {
    self.content = content
    self.evaluations = evaluations
    self.asOf = asOf
    self.contentName = contentName
    self.templates = templates
  }

  /// Every file of the site, in a fixed order.
  public func render() -> [OutputFile] {
    let site = SiteContext(content: content, evaluations: evaluations, asOf: asOf)
    var files: [OutputFile] = []
    var pages: [String] = []
    func page<Body: Sendable>(
      _ folder: String, template: String, _ model: Body, title: String, description: String, current: String = ""
    ) {
      let depth = folder.isEmpty ? 0 : folder.split(separator: "/").count
      let root = String(repeating: "../", count: depth)
      let frame = site.frame(model, title: title, description: description, root: root, current: current)
      let path = folder.isEmpty ? "index.html" : "\(folder)/index.html"
      files.append(OutputFile(path: path, text: templates.render(frame, with: template)))
      pages.append(folder.isEmpty ? "" : "\(folder)/")
    }

    page(
      "", template: "home", site.homePage(), title: "Overview",
      description: "Accreditation status of every partner as of \(asOf.display).", current: "home")
    for evaluation in evaluations {
      let folder = "partners/\(evaluation.slug)"
      if let model = site.partnerPage(evaluation) {
        page(
          folder, template: "partner", model, title: evaluation.name,
          description: "Accreditation status of \(evaluation.name) as of \(asOf.display).")
      }
      page(
        "\(folder)/marks", template: "marks", site.marksPage(evaluation), title: "Marks on record · \(evaluation.name)",
        description: "Marks on record for \(evaluation.name).")
      for escalation in site.cases[evaluation.slug] ?? [] where site.exists(escalation) {
        page(
          "\(folder)/cases/\(escalation.id)", template: "case", site.casePage(escalation, partnerName: evaluation.name),
          title: "Case \(escalation.id) · \(evaluation.name)",
          description: "Escalation case \(escalation.id) concerning \(evaluation.name).")
      }
      files.append(
        OutputFile(path: "\(folder)/badge.svg", text: templates.render(site.badge(for: evaluation), with: "badge")))
    }
    page(
      "faq", template: "faq", site.faqPage(), title: "Frequently asked questions",
      description: "Answers to what partners ask about the accreditation standards.", current: "faq")
    for item in content.pages {
      page(
        "pages/\(item.slug)", template: "page", site.freePage(item), title: item.title,
        description: item.title, current: "page-\(item.slug)")
    }
    page(
      "standards", template: "standards", site.standardsPage(), title: "The standards",
      description: "The program's accreditation standards: tiers, certifications and thresholds.",
      current: "standards")

    // The 404 page may be served at any depth, so it links from the site's root path.
    let rootPath = sitePath(content.site.baseURL)
    let notFound = site.frame(
      NotFoundPage(), title: "Page not found", description: "Page not found.", root: rootPath,
      current: "")
    files.append(OutputFile(path: "404.html", text: templates.render(notFound, with: "not-found")))
    files.append(OutputFile(path: "feed.xml", text: templates.render(site.feed(), with: "feed")))
    files.append(OutputFile(path: "sitemap.xml", text: templates.render(site.sitemap(paths: pages), with: "sitemap")))
    for file in templates.staticFiles {
      files.append(OutputFile(path: file.path, bytes: file.bytes))
    }
    let status = StatusDocument.json(for: evaluations, asOf: asOf, contentName: contentName)
    files.append(OutputFile(path: "api/status.json", text: status.serialized()))
    return files
  }

  /// The path part of the base URL, ending in `/`: `https://x.example/status/` → `/status/`.
  private func sitePath(_ baseURL: String) -> String {
    guard let scheme = baseURL.range(of: "://") else { return "/" }
    let rest = baseURL[scheme.upperBound...]
    guard let slash = rest.firstIndex(of: "/") else { return "/" }
    let path = String(rest[slash...])
    return path.hasSuffix("/") ? path : path + "/"
  }
}
