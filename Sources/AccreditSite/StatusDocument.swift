public import AccreditEngine
import AccreditSupport

/// `api/status.json`: the machine-readable evaluation, in the key order SPEC section 5 gives.
public enum StatusDocument {
  /// The schema version written to `schema`.
  public static let schemaVersion = 1

  /// The document for `evaluations` as of `asOf`. Sources read `<contentName>/<path>:<line>`.
  public static func json(for evaluations: [PartnerEvaluation], asOf: Day, contentName: String) -> JSONValue {
    .object([
      ("schema", .int(schemaVersion)),
      ("as_of", .string(asOf.iso)),
      ("partners", .array(evaluations.sorted { $0.slug < $1.slug }.map { partner($0, contentName: contentName) })),
    ])
  }

  private static func partner(_ partner: PartnerEvaluation, contentName: String) -> JSONValue {
    .object([
      ("slug", .string(partner.slug)),
      ("name", .string(partner.name)),
      ("tier", .string(partner.tier)),
      ("tier_eligible", .bool(partner.isTierEligible)),
      ("in_grace", .bool(partner.isInGrace)),
      ("eligible_to_apply", .bool(partner.isEligibleToApply)),
      ("marks", .int(partner.marks.count)),
      ("next_tier_review", .string(partner.nextTierReview)),
      ("accreditations", .array(partner.accreditations.map { accreditation($0, contentName: contentName) })),
      (
        "open_cases",
        .array(
          partner.openCases.map {
            .object([("id", .string($0.id)), ("stage", .string($0.stage.rawValue)), ("serious", .bool($0.isSerious))])
          })
      ),
    ])
  }

  private static func accreditation(_ accreditation: AccreditationEvaluation, contentName: String) -> JSONValue {
    .object([
      ("type", .string(accreditation.type)),
      ("issued", .string(accreditation.issued.iso)),
      ("status", .string(accreditation.status.rawValue)),
      ("next_evaluation", .string(accreditation.nextEvaluation.iso)),
      ("missing_certifications", .array(accreditation.missingCertifications.map { .string($0) })),
      (
        "reasons",
        .array(
          accreditation.reasons.map {
            .object([
              ("rule", .string($0.rule.rawValue)),
              ("message", .string($0.message)),
              ("source", .string(source($0.location, contentName: contentName))),
            ])
          })
      ),
    ])
  }

  /// `content/partners/x.yaml:8`.
  public static func source(_ location: SourceLocation, contentName: String) -> String {
    "\(contentName)/\(location.file):\(location.line)"
  }
}
