import AccreditEngine

/// Reads one case file: its front matter and its notes.
struct CaseLoader {
  let document: YAMLDocument
  let standards: Standards?

  /// The case, whether every step was readable (the path rules are checked only then), and the front
  /// matter's hash (`ContentFolder.caseHead`).
  static func load(
    _ source: SourceText, id: String, partnerSlug: String, standards: Standards?, sink: DiagnosticSink
  ) -> (escalation: EscalationCase, isComplete: Bool, head: UInt64)? {
    guard let frontMatter = FrontMatter.split(source, sink: sink) else { return nil }
    // In the front matter only: an edit of the notes alone is built without reading it again, and would
    // keep a warning about them.
    Placeholder.report(in: frontMatter.yaml, path: source.path, lineOffset: 1, sink: sink)
    let loader = CaseLoader(
      document: YAMLDocument(path: source.path, lineOffset: 1, sink: sink), standards: standards)
    return loader.load(frontMatter, id: id, partnerSlug: partnerSlug).map { ($0.0, $0.1, frontMatter.headHash) }
  }

  private func load(_ frontMatter: FrontMatter, id: String, partnerSlug: String)
    -> (escalation: EscalationCase, isComplete: Bool)?
  {
    guard let root = document.compose(frontMatter.yaml, emptyMessage: "front matter is empty"),
      let fields = Fields(root, in: document, what: "case front matter", allowed: FormatKeys.escalation)
    else { return nil }
    let customer = fields.text("customer", required: true)
    var accreditation = fields.located("accreditation")
    if let known = accreditation, let standards, standards.accreditationType(known.value) == nil {
      accreditation = nil
      let slugs = standards.accreditations.map(\.slug)
      document.sink.error(
        "unknown accreditation type '\(known.value)'\(Suggestion.hint(for: known.value, in: slugs))",
        at: known.location)
    }
    let isSerious = fields.bool("serious") ?? false
    let stepNodes = fields.list("steps", required: true)
    if stepNodes.isEmpty, fields.value("steps")?.sequence != nil {
      document.sink.error("'steps' needs at least the complaint step", at: fields.keyLocation("steps"))
    }
    let steps = stepNodes.compactMap(step)
    let outcomeFields = fields.value("outcome").flatMap {
      Fields($0, in: document, what: "outcome", allowed: FormatKeys.outcome)
    }
    let outcome = outcomeFields.flatMap(outcome)
    guard let customer else { return nil }
    let escalation = EscalationCase(
      id: id, partnerSlug: partnerSlug, customer: customer, accreditation: accreditation, isSerious: isSerious,
      seriousLocation: fields.value("serious").map { document.location(of: $0) }, steps: steps,
      outcome: outcome, notes: frontMatter.body, location: document.start)
    let isComplete = steps.count == stepNodes.count && (fields.value("outcome") == nil) == (outcome == nil)
    return (escalation, isComplete)
  }

  private func step(_ node: YAMLNode) -> EscalationCase.Step? {
    guard let entry = Fields(node, in: document, what: "step", allowed: FormatKeys.step) else { return nil }
    let stageText = entry.text("stage", required: true)
    let date = entry.day("date", required: true)
    guard let stageText else { return nil }
    guard let stage = EscalationCase.Stage(rawValue: stageText) else {
      let names = EscalationCase.Stage.allCases.map(\.rawValue)
      if let value = entry.value("stage") {
        document.error(
          "unknown stage '\(stageText)'\(Suggestion.hint(for: stageText, in: names)); stages are "
            + names.joined(separator: ", "), at: value)
      }
      return nil
    }
    guard let date else { return nil }
    return EscalationCase.Step(stage: stage, date: date, location: entry.location)
  }

  private func outcome(_ entry: Fields) -> EscalationCase.Outcome? {
    let decisionText = entry.text("decision", required: true)
    let date = entry.day("date", required: true)
    guard let decisionText else { return nil }
    guard let decision = EscalationCase.Decision(rawValue: decisionText) else {
      let names = EscalationCase.Decision.allCases.map(\.rawValue)
      if let value = entry.value("decision") {
        document.error(
          "unknown case outcome '\(decisionText)'\(Suggestion.hint(for: decisionText, in: names)); outcomes are "
            + names.joined(separator: ", "), at: value)
      }
      return nil
    }
    guard let date else { return nil }
    return EscalationCase.Outcome(decision: decision, date: date, location: entry.location)
  }
}
