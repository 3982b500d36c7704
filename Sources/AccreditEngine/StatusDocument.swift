/// `api/status.json`: the evaluation as published (SPEC section 5), one type for the file `build` writes
/// and the file `changes` reads back. `Codable` with the specification's keys; the writer in AccreditSite
/// keeps the specification's key order.
public struct StatusDocument: Codable, Sendable, Equatable {
  /// The schema version written to `schema`.
  public static let schemaVersion = 1

  /// The schema version.
  public var schema: Int
  /// The evaluation date, `YYYY-MM-DD`.
  public var asOf: String
  /// Every partner, by slug.
  public var partners: [Partner]

  /// One partner.
  public struct Partner: Codable, Sendable, Equatable {
    public var slug: String
    public var name: String
    /// The effective tier; nil (`null`) when no tier review has taken effect.
    public var tier: String?
    public var tierEligible: Bool
    public var inGrace: Bool
    public var eligibleToApply: Bool
    /// Marks on record.
    public var marks: Int
    /// `YYYY-MM`.
    public var nextTierReview: String
    public var accreditations: [Accreditation]
    public var openCases: [OpenCase]

    enum CodingKeys: String, CodingKey {
      case slug, name, tier, marks, accreditations
      case tierEligible = "tier_eligible", inGrace = "in_grace", eligibleToApply = "eligible_to_apply"
      case nextTierReview = "next_tier_review", openCases = "open_cases"
    }
  }

  /// One accreditation of a partner.
  public struct Accreditation: Codable, Sendable, Equatable {
    /// The type slug.
    public var type: String
    /// `YYYY-MM-DD`.
    public var issued: String
    /// The status, e.g. `at-risk`.
    public var status: String
    /// `YYYY-MM-DD`; nil (`null`) for a revoked accreditation, which is never evaluated again. A document
    /// written before that rule, with a date there, reads as well.
    public var nextEvaluation: String?
    public var missingCertifications: [String]
    public var reasons: [Reason]

    enum CodingKeys: String, CodingKey {
      case type, issued, status, reasons
      case nextEvaluation = "next_evaluation", missingCertifications = "missing_certifications"
    }
  }

  /// Why an accreditation has its status.
  public struct Reason: Codable, Sendable, Equatable {
    /// The rule, e.g. `certification-expired`.
    public var rule: String
    public var message: String
    /// `content/partners/x.yaml:8`.
    public var source: String
  }

  /// A case still open.
  public struct OpenCase: Codable, Sendable, Equatable {
    public var id: String
    /// The stage it has reached.
    public var stage: String
    public var serious: Bool
  }

  enum CodingKeys: String, CodingKey {
    case schema, partners
    case asOf = "as_of"
  }

  /// The document for `evaluations` as of `asOf`, partners sorted by slug. Sources read
  /// `<contentName>/<path>:<line>`.
  public init(evaluations: [PartnerEvaluation], asOf: Day, contentName: String) {
    schema = Self.schemaVersion
    self.asOf = asOf.iso
    partners = evaluations.sorted { $0.slug < $1.slug }.map { partner in
      Partner(
        slug: partner.slug, name: partner.name, tier: partner.tier, tierEligible: partner.isTierEligible,
        inGrace: partner.isInGrace, eligibleToApply: partner.isEligibleToApply, marks: partner.marks.count,
        nextTierReview: partner.nextTierReview?.iso ?? "",
        accreditations: partner.accreditations.map { accreditation in
          Accreditation(
            type: accreditation.type, issued: accreditation.issued.iso, status: accreditation.status.rawValue,
            nextEvaluation: accreditation.nextEvaluation?.iso,
            missingCertifications: accreditation.missingCertifications,
            reasons: accreditation.reasons.map {
              Reason(
                rule: $0.rule.rawValue, message: $0.message,
                source: Self.source($0.location, contentName: contentName))
            })
        },
        openCases: partner.openCases.map { OpenCase(id: $0.id, stage: $0.stage.rawValue, serious: $0.isSerious) })
    }
  }

  /// `content/partners/x.yaml:8`.
  public static func source(_ location: SourceLocation, contentName: String) -> String {
    "\(contentName)/\(location.file):\(location.line)"
  }
}
