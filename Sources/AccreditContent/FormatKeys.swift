/// The keys each mapping of the content format allows. The loaders read with these lists, and a test holds
/// the JSON Schemas in `schemas/` to them, so that an editor's completion and `accredit check` agree.
enum FormatKeys {
  static let site = ["title", "base_url", "as_of", "search"]
  static let standards = [
    "tiers", "eligible_tiers", "tier_review_months", "evaluation_interval_months", "marks_review_threshold",
    "universal_certifications", "certifications", "accreditations",
  ]
  static let accreditationType = ["name", "certifications"]
  static let partner = [
    "name", "region", "website", "pdm", "tiers", "grace", "certifications", "accreditations", "decisions",
  ]
  static let tierEntry = ["reviewed", "tier"]
  static let graceEntry = ["from", "until", "note"]
  static let certificationEntry = ["name", "earned", "expires"]
  static let accreditationEntry = ["type", "issued"]
  static let decision = ["date", "accreditation", "outcome", "director_approval", "case", "note"]
  static let escalation = ["customer", "accreditation", "serious", "steps", "outcome"]
  static let step = ["stage", "date"]
  static let outcome = ["decision", "date"]

  /// For each file of `schemas/`, its objects and their keys: `""` is the top level, any other name is a
  /// `$defs` entry.
  static let schemas: [String: [String: [String]]] = [
    "site.schema.json": ["": site],
    "standards.schema.json": ["": standards, "accreditationType": accreditationType],
    "partner.schema.json": [
      "": partner, "tierEntry": tierEntry, "graceEntry": graceEntry, "certificationEntry": certificationEntry,
      "accreditationEntry": accreditationEntry, "decision": decision,
    ],
    "case.schema.json": ["": escalation, "step": step, "outcome": outcome],
  ]
}
