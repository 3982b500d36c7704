public import AccreditContent
public import AccreditEngine

/// Renders every output file of the site from the content and its evaluation.
public struct SiteRenderer {
  /// The content.
  public var content: Content
  /// Every partner's evaluation, by slug.
  public var evaluations: [PartnerEvaluation]
  /// The evaluation date.
  public var asOf: Day
  /// The content folder's name, which sources in `status.json` start with.
  public var contentName: String

  /// Creates a renderer.
  public init(content: Content, evaluations: [PartnerEvaluation], asOf: Day, contentName: String) {
    self.content = content
    self.evaluations = evaluations
    self.asOf = asOf
    self.contentName = contentName
  }

  /// Every file of the site, in a fixed order.
  public func render() -> [OutputFile] {
    let status = StatusDocument.json(for: evaluations, asOf: asOf, contentName: contentName)
    return [OutputFile(path: "api/status.json", text: status.serialized())]
  }
}
