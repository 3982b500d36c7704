/// A partner's record (`content/partners/<slug>.yaml`).
public struct Partner: Sendable, Equatable {
  /// The file name without its extension.
  public var slug: String {
    get { storage.value.slug }
    set { storage.value.slug = newValue }
  }
  /// The partner's name.
  public var name: String {
    get { storage.value.name }
    set { storage.value.name = newValue }
  }
  /// Optional region, e.g. `EMEA`.
  public var region: String? {
    get { storage.value.region }
    set { storage.value.region = newValue }
  }
  /// Optional website address.
  public var website: String? {
    get { storage.value.website }
    set { storage.value.website = newValue }
  }
  /// Optional partner development manager.
  public var pdm: String? {
    get { storage.value.pdm }
    set { storage.value.pdm = newValue }
  }
  /// Tier reviews, in file order.
  public var tiers: [TierReview] {
    get { storage.value.tiers }
    set { storage.value.tiers = newValue }
  }
  /// Grace periods granted to remediate a tier below the eligible ones.
  public var grace: [GracePeriod] {
    get { storage.value.grace }
    set { storage.value.grace = newValue }
  }
  /// Certifications earned.
  public var certifications: [EarnedCertification] {
    get { storage.value.certifications }
    set { storage.value.certifications = newValue }
  }
  /// Accreditations issued.
  public var accreditations: [Accreditation] {
    get { storage.value.accreditations }
    set { storage.value.accreditations = newValue }
  }
  /// Review board determinations.
  public var decisions: [Decision] {
    get { storage.value.decisions }
    set { storage.value.decisions = newValue }
  }
  /// The record's file.
  public var location: SourceLocation {
    get { storage.value.location }
    set { storage.value.location = newValue }
  }

  /// The fields, in one box shared by the copies until one changes (`CopyOnWrite`); two records are equal
  /// by their fields, whatever box holds them.
  private var storage: CopyOnWrite<Fields>

  private struct Fields: Sendable, Equatable {
    var slug: String
    var name: String
    var region: String?
    var website: String?
    var pdm: String?
    var tiers: [TierReview]
    var grace: [GracePeriod]
    var certifications: [EarnedCertification]
    var accreditations: [Accreditation]
    var decisions: [Decision]
    var location: SourceLocation
  }

  /// Creates a partner record.
  public init(
    slug: String, name: String, region: String? = nil, website: String? = nil, pdm: String? = nil,
    tiers: [TierReview] = [], grace: [GracePeriod] = [], certifications: [EarnedCertification] = [],
    accreditations: [Accreditation] = [], decisions: [Decision] = [], location: SourceLocation
  ) {
    storage = CopyOnWrite(
      Fields(
        slug: slug, name: name, region: region, website: website, pdm: pdm, tiers: tiers, grace: grace,
        certifications: certifications, accreditations: accreditations, decisions: decisions, location: location))
  }
}

/// The tier determined at one tier review.
public struct TierReview: Sendable, Equatable {
  /// The review date.
  public var reviewed: Day
  /// The tier slug.
  public var tier: String
  /// The entry's position.
  public var location: SourceLocation

  /// Creates a tier review.
  public init(reviewed: Day, tier: String, location: SourceLocation) {
    self.reviewed = reviewed
    self.tier = tier
    self.location = location
  }
}

/// A grace period, both ends included.
public struct GracePeriod: Sendable, Equatable {
  /// The first day.
  public var from: Day
  /// The last day.
  public var until: Day
  /// Why it was granted.
  public var note: String?
  /// The entry's position.
  public var location: SourceLocation

  /// Creates a grace period.
  public init(from: Day, until: Day, note: String? = nil, location: SourceLocation) {
    self.from = from
    self.until = until
    self.note = note
    self.location = location
  }

  /// Whether `day` falls inside the period.
  public func covers(_ day: Day) -> Bool { from <= day && day <= until }
}

/// A certification a partner earned.
public struct EarnedCertification: Sendable, Equatable {
  /// The certification slug.
  public var name: String
  /// When it was earned.
  public var earned: Day
  /// When it stops being held (the certification is no longer held on this day).
  public var expires: Day?
  /// The entry's position.
  public var location: SourceLocation

  /// Creates an earned certification.
  public init(name: String, earned: Day, expires: Day? = nil, location: SourceLocation) {
    self.name = name
    self.earned = earned
    self.expires = expires
    self.location = location
  }

  /// Whether the certification is held on `day`: earned by then and not yet expired.
  public func isHeld(on day: Day) -> Bool {
    earned <= day && (expires.map { day < $0 } ?? true)
  }
}

/// An accreditation issued to a partner.
public struct Accreditation: Sendable, Equatable {
  /// The accreditation type slug.
  public var type: String
  /// The issue date.
  public var issued: Day
  /// The entry's position.
  public var location: SourceLocation

  /// Creates an accreditation.
  public init(type: String, issued: Day, location: SourceLocation) {
    self.type = type
    self.issued = issued
    self.location = location
  }
}

/// A review board determination.
public struct Decision: Sendable, Equatable {
  /// What the board decided.
  public enum Outcome: String, Sendable, CaseIterable {
    /// The partner keeps the accreditation despite its marks.
    case retain
    /// The accreditation is taken away.
    case revoke
  }

  /// The decision date.
  public var date: Day
  /// The accreditation type it concerns, or `all`.
  public var accreditation: String
  /// The outcome.
  public var outcome: Outcome
  /// Whether a director approved it (a revocation needs this).
  public var hasDirectorApproval: Bool
  /// The case that led to it.
  public var caseID: String?
  /// A free note.
  public var note: String?
  /// The entry's position.
  public var location: SourceLocation

  /// The value of `accreditation` that makes a decision apply to every accreditation.
  public static let allAccreditations = "all"

  /// Creates a decision.
  public init(
    date: Day, accreditation: String, outcome: Outcome, hasDirectorApproval: Bool = false,
    caseID: String? = nil, note: String? = nil, location: SourceLocation
  ) {
    self.date = date
    self.accreditation = accreditation
    self.outcome = outcome
    self.hasDirectorApproval = hasDirectorApproval
    self.caseID = caseID
    self.note = note
    self.location = location
  }

  /// Whether the decision concerns accreditations of `type`.
  public func applies(to type: String) -> Bool {
    accreditation == Decision.allAccreditations || accreditation == type
  }
}
