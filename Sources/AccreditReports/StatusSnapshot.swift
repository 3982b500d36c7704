public import AccreditEngine
import Foundation

/// The statuses of every partner at one point, from an evaluation or from a built `status.json`: what
/// `accredit changes` compares.
public struct StatusSnapshot: Sendable {
  /// One accreditation's standing.
  public struct Accreditation: Sendable, Equatable {
    /// The type slug.
    public var type: String
    /// The issue date, `YYYY-MM-DD`.
    public var issued: String
    /// The status, e.g. `at-risk`.
    public var status: String
    /// The reasons' messages.
    public var reasons: [String]
  }

  /// One partner's standing.
  public struct Partner: Sendable, Equatable {
    /// The slug.
    public var slug: String
    /// The name.
    public var name: String
    /// The effective tier.
    public var tier: String?
    /// Marks on record.
    public var marks: Int
    /// Accreditations, by type then issue date.
    public var accreditations: [Accreditation]
  }

  /// The evaluation date.
  public var asOf: String
  /// Partners by slug.
  public var partners: [String: Partner]

  /// A snapshot of an evaluation.
  public init(evaluations: [PartnerEvaluation], asOf: Day) {
    self.asOf = asOf.iso
    partners = Dictionary(
      evaluations.map { evaluation in
        (
          evaluation.slug,
          Partner(
            slug: evaluation.slug, name: evaluation.name, tier: evaluation.tier, marks: evaluation.marks.count,
            accreditations: evaluation.accreditations.map {
              Accreditation(
                type: $0.type, issued: $0.issued.iso, status: $0.status.rawValue, reasons: $0.reasons.map(\.message))
            })
        )
      }, uniquingKeysWith: { first, _ in first })
  }

  /// A problem reading a `status.json`.
  public struct ReadError: Error, CustomStringConvertible {
    /// What is wrong.
    public var description: String
  }

  /// A snapshot read from a built `api/status.json`.
  public init(statusJSON data: Data) throws {
    guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      root["schema"] as? Int == 1, let asOf = root["as_of"] as? String,
      let partners = root["partners"] as? [[String: Any]]
    else { throw ReadError(description: "not an accredit status.json (schema 1)") }
    self.asOf = asOf
    var bySlug: [String: Partner] = [:]
    for partner in partners {
      guard let slug = partner["slug"] as? String, let name = partner["name"] as? String else {
        throw ReadError(description: "a partner without slug or name")
      }
      let accreditations = (partner["accreditations"] as? [[String: Any]] ?? []).map { item in
        Accreditation(
          type: item["type"] as? String ?? "", issued: item["issued"] as? String ?? "",
          status: item["status"] as? String ?? "",
          reasons: (item["reasons"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String })
      }
      bySlug[slug] = Partner(
        slug: slug, name: name, tier: partner["tier"] as? String, marks: partner["marks"] as? Int ?? 0,
        accreditations: accreditations)
    }
    self.partners = bySlug
  }
}
