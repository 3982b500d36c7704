import AccreditEngine

/// Reads `standards.yaml` and checks that it is consistent with itself.
enum StandardsLoader {
  static func load(_ source: SourceText, sink: DiagnosticSink) -> Standards? {
    let document = YAMLDocument(path: source.path, lineOffset: 0, sink: sink)
    guard let root = document.compose(source.text, emptyMessage: "standards file is empty"),
      let fields = Fields(root, in: document, what: "standards file", allowed: FormatKeys.standards)
    else { return nil }

    let (tierNames, eligible) = tiers(fields, sink: sink)
    let months = reviewMonths(fields)
    let interval = fields.int("evaluation_interval_months", required: true)
    if let interval, interval < 1, let node = fields.value("evaluation_interval_months") {
      document.error("'evaluation_interval_months' must be at least 1", at: node)
    }
    let threshold = fields.int("marks_review_threshold", required: true)
    if let threshold, threshold < 0, let node = fields.value("marks_review_threshold") {
      document.error("'marks_review_threshold' must not be negative", at: node)
    }
    let certifications = certificationCatalog(fields)
    let certificationSlugs = certifications.map(\.slug)
    func checkCertification(_ slug: Located<String>) {
      guard !certificationSlugs.contains(slug.value) else { return }
      sink.error(
        "certification '\(slug.value)' is not in the 'certifications' catalog"
          + Suggestion.hint(for: slug.value, in: certificationSlugs), at: slug.location)
    }
    let universal = fields.textList("universal_certifications")
    universal.forEach(checkCertification)
    let accreditations = accreditationTypes(fields, sink: sink, checkCertification: checkCertification)

    guard let interval, let threshold else { return nil }
    return Standards(
      tiers: tierNames, eligibleTiers: eligible, tierReviewMonths: months,
      evaluationIntervalMonths: interval, marksReviewThreshold: threshold,
      universalCertifications: universal.map(\.value), certifications: certifications,
      accreditations: accreditations)
  }

  /// The tier names, in order, and the eligible ones, each checked.
  private static func tiers(_ fields: Fields, sink: DiagnosticSink) -> (names: [String], eligible: [String]) {
    let tiers = fields.textList("tiers", required: true)
    let tierNames = tiers.map(\.value)
    for tier in tiers {
      if let problem = NameRule.problem(tier.value) { sink.error("tier \(problem)", at: tier.location) }
    }
    let eligible = fields.textList("eligible_tiers", required: true)
    for tier in eligible where !tierNames.contains(tier.value) {
      sink.error(
        "eligible tier '\(tier.value)' is not one of 'tiers'\(Suggestion.hint(for: tier.value, in: tierNames))",
        at: tier.location)
    }
    return (tierNames, eligible.map(\.value))
  }

  /// The `certifications` catalog: `slug: Display Name` entries.
  private static func certificationCatalog(_ fields: Fields) -> [CertificationType] {
    let document = fields.document
    return fields.entries("certifications", required: true).compactMap { key, value in
      guard case .scalar(let keyScalar) = key, case .scalar(let valueScalar) = value else {
        document.error("each certification is 'slug: Display Name'", at: value)
        return CertificationType?.none
      }
      if let problem = NameRule.problem(keyScalar.string) { document.error("certification slug \(problem)", at: key) }
      if let problem = NameRule.problem(valueScalar.string) {
        document.error("certification name \(problem)", at: value)
      }
      return CertificationType(slug: keyScalar.string, name: valueScalar.string)
    }
  }

  /// The accreditation types, their required certifications checked against the catalog.
  private static func accreditationTypes(
    _ fields: Fields, sink: DiagnosticSink, checkCertification: (Located<String>) -> Void
  ) -> [AccreditationType] {
    let document = fields.document
    let accreditations = fields.entries("accreditations", required: true).compactMap { key, value in
      guard case .scalar(let keyScalar) = key,
        let entry = Fields(value, in: document, what: "accreditation type", allowed: FormatKeys.accreditationType),
        let name = entry.name("name", required: true)
      else { return AccreditationType?.none }
      if let problem = NameRule.problem(keyScalar.string) { document.error("accreditation slug \(problem)", at: key) }
      let required = entry.textList("certifications")
      required.forEach(checkCertification)
      return AccreditationType(slug: keyScalar.string, name: name, certifications: required.map(\.value))
    }
    for reserved in accreditations where reserved.slug == Decision.allAccreditations {
      sink.error(
        "'all' cannot be an accreditation type: decisions use it to mean every accreditation",
        at: fields.keyLocation("accreditations"))
    }
    return accreditations
  }

  private static func reviewMonths(_ fields: Fields) -> [Int] {
    let nodes = fields.list("tier_review_months", required: true)
    if nodes.isEmpty, let node = fields.value("tier_review_months") {
      fields.document.error("'tier_review_months' needs at least one month", at: node)
    }
    return nodes.compactMap { node in
      guard case .scalar(let scalar) = node, let month = Int(yaml: scalar), (1...12).contains(month) else {
        fields.document.error("tier review months are numbers from 1 to 12", at: node)
        return nil
      }
      return month
    }
  }
}
