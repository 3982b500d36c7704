/// The status of one accreditation as of a date, in order of precedence.
public enum AccreditationStatus: String, Sendable, CaseIterable, Comparable {
  /// A director-approved review board decision took it away.
  case revoked
  /// The partner's tier is below the eligible tiers and no grace period covers the date.
  case ineligible
  /// Too many marks without a retain decision, or a serious escalation is open.
  case underReview = "under-review"
  /// In a grace period, or a required certification is missing.
  case atRisk = "at-risk"
  /// Every standard is met.
  case accredited

  /// The status in words, as the site shows it.
  public var label: String {
    switch self {
    case .revoked: "Revoked"
    case .ineligible: "Ineligible"
    case .underReview: "Under review"
    case .atRisk: "At risk"
    case .accredited: "Accredited"
    }
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
  }
}

/// The rule a failed check belongs to.
public enum Rule: String, Sendable, CaseIterable {
  /// A review board decision.
  case decision
  /// The partner's tier.
  case tier
  /// A grace period for a tier below the eligible ones.
  case grace
  /// Marks on record.
  case marks
  /// An open serious escalation.
  case seriousCase = "serious-case"
  /// A required certification.
  case certification
}

/// One failed check, in words, with the evidence's position.
public struct Reason: Hashable, Sendable {
  /// The rule that failed.
  public var rule: Rule
  /// What failed, in plain words.
  public var message: String
  /// The evidence: a record entry or a case file.
  public var location: SourceLocation
  /// The case that is the evidence, when there is one.
  public var caseID: String?
  /// The reason in a few words, for a list's column: "5 marks", "cert expired 30 Sep", "grace ends
  /// 15 Nov". Dates in the evaluation's year leave the year out.
  public var brief: String

  /// Creates a reason; `brief` defaults to the message.
  public init(rule: Rule, message: String, location: SourceLocation, caseID: String? = nil, brief: String? = nil) {
    self.rule = rule
    self.message = message
    self.location = location
    self.caseID = caseID
    self.brief = brief ?? message
  }
}

/// One accreditation evaluated as of a date.
public struct AccreditationEvaluation: Sendable {
  /// The accreditation type slug.
  public var type: String
  /// The issue date.
  public var issued: Day
  /// The status.
  public var status: AccreditationStatus
  /// The first scheduled evaluation after the date; nil for a revoked accreditation, which is never
  /// evaluated again.
  public var nextEvaluation: Day?
  /// The date of the revocation in force; nil unless the status is `revoked`.
  public var revokedOn: Day?
  /// Required certifications not held, sorted.
  public var missingCertifications: [String]
  /// Every failed check, not only the one that decided the status.
  public var reasons: [Reason]
  /// The record entry.
  public var location: SourceLocation
}

/// A mark on the partner's record: a case the review board closed with a mark.
public struct Mark: Sendable {
  /// The case id.
  public var caseID: String
  /// When the mark was placed.
  public var date: Day
  /// The outcome's position in the case file.
  public var location: SourceLocation
}

/// A case open on the date, at the stage it had reached.
public struct OpenCase: Sendable {
  /// The case id.
  public var id: String
  /// The latest stage reached on or before the date.
  public var stage: EscalationCase.Stage
  /// Whether it is a serious escalation.
  public var isSerious: Bool
}

/// One partner evaluated as of a date.
public struct PartnerEvaluation: Sendable {
  /// The partner's slug.
  public var slug: String
  /// The partner's name.
  public var name: String
  /// The effective tier: the latest tier review on or before the date; nil when there is none.
  public var tier: String?
  /// The tier review that set it.
  public var tierReview: TierReview?
  /// Whether the effective tier is one of the eligible tiers.
  public var isTierEligible: Bool
  /// The grace period covering the date, if any.
  public var grace: GracePeriod?
  /// Marks placed on or before the date, oldest first.
  public var marks: [Mark]
  /// The first tier review month after the date's month.
  public var nextTierReview: YearMonth?
  /// The accreditations issued on or before the date, by type then issue date.
  public var accreditations: [AccreditationEvaluation]
  /// Cases open on the date, by id.
  public var openCases: [OpenCase]

  /// Whether a grace period covers the date.
  public var isInGrace: Bool { grace != nil }

  /// Whether the partner may apply for an accreditation: only from the eligible tiers.
  public var isEligibleToApply: Bool { isTierEligible }
}
