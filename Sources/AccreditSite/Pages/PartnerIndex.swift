import AccreditEngine
import AccreditSupport

/// `api/partners.json`: every partner in the list's order, compact enough to fetch at once (about 100 bytes
/// a partner), for filtering and sorting the partner list in the browser.
///
/// Each partner is an array in the order of `fields`; tiers, regions, PDMs, statuses and accreditation
/// types are indices into the tables beside it. `accreditations` is flat: type index, status index, ….
/// `why` is the list's column of brief reasons; `next_due` the partner's first calendar item from the date
/// on (`SiteContext.nextDue`), which the "due within N days" filter compares, or `null`.
/// `status.json` stays the complete document; this file serves the list only.
enum PartnerIndex {
  static let fields = [
    "slug", "name", "tier", "in_grace", "region", "pdm", "accreditations", "marks", "open_cases", "next_evaluation",
    "why", "next_due",
  ]

  static func json(site: SiteContext, ordered: [PartnerEvaluation]) -> JSONValue {
    let standards = site.content.standards
    let regions = Set(ordered.compactMap { site.partners[$0.slug]?.region }).sorted()
    let pdms = Set(ordered.compactMap { site.partners[$0.slug]?.pdm }).sorted()
    let regionIndex = Dictionary(uniqueKeysWithValues: regions.enumerated().map { ($1, $0) })
    let pdmIndex = Dictionary(uniqueKeysWithValues: pdms.enumerated().map { ($1, $0) })
    let tierIndex = Dictionary(standards.tiers.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    let types = standards.accreditations.map(\.slug)
    let typeIndex = Dictionary(types.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    let statuses = AccreditationStatus.allCases
    func index(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }
    let due = site.nextDue
    let partners = ordered.map { evaluation -> JSONValue in
      let partner = site.partners[evaluation.slug]
      let cells = evaluation.accreditations.flatMap { item -> [JSONValue] in
        [index(typeIndex[item.type]), .int(statuses.firstIndex(of: item.status) ?? 0)]
      }
      return .array([
        .string(evaluation.slug), .string(evaluation.name), index(evaluation.tier.flatMap { tierIndex[$0] }),
        .int(evaluation.isInGrace ? 1 : 0), index(partner?.region.flatMap { regionIndex[$0] }),
        index(partner?.pdm.flatMap { pdmIndex[$0] }), .array(cells), .int(evaluation.marks.count),
        .int(evaluation.openCases.count), .string(evaluation.accreditations.compactMap(\.nextEvaluation).min()?.iso),
        .string(site.why(evaluation)), .string(due[evaluation.slug]?.iso),
      ])
    }
    return .object([
      ("schema", .int(1)),
      ("as_of", .string(site.asOf.iso)),
      ("page_size", .int(site.listPageSize)),
      ("fields", .array(fields.map { .string($0) })),
      ("tiers", .array(standards.tiers.map { .array([.string($0), .string($0.capitalized)]) })),
      (
        "statuses",
        .array(
          statuses.map { status in
            let view = StatusView(status)
            return .array([.string(view.key), .string(view.label), .string(view.icon)])
          })
      ),
      ("accreditation_types", .array(standards.accreditations.map { .array([.string($0.slug), .string($0.name)]) })),
      ("regions", .array(regions.map { .string($0) })),
      ("pdms", .array(pdms.map { .string($0) })),
      ("partners", .array(partners)),
    ])
  }
}
