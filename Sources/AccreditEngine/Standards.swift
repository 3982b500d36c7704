/// The program's standards: tiers, the certification and accreditation catalogs, and the thresholds
/// the evaluation uses (`content/standards.yaml`).
public struct Standards: Sendable {
  /// Every tier, lowest first.
  public var tiers: [String]
  /// The tiers that may apply for and retain an accreditation.
  public var eligibleTiers: [String]
  /// The months (1–12) in which tier qualifications are reviewed.
  public var tierReviewMonths: [Int]
  /// Each accreditation is evaluated this many months after its issue date, and again every as many months.
  public var evaluationIntervalMonths: Int
  /// A partner with MORE marks than this goes to the review board before renewal.
  public var marksReviewThreshold: Int
  /// Certifications every accreditation requires.
  public var universalCertifications: [String]
  /// The certification catalog, in file order.
  public var certifications: [CertificationType]
  /// The accreditation catalog, in file order.
  public var accreditations: [AccreditationType]

  /// Creates a set of standards.
  public init(
    tiers: [String], eligibleTiers: [String], tierReviewMonths: [Int], evaluationIntervalMonths: Int,
    marksReviewThreshold: Int, universalCertifications: [String], certifications: [CertificationType],
    accreditations: [AccreditationType]
  ) {
    self.tiers = tiers
    self.eligibleTiers = eligibleTiers
    self.tierReviewMonths = tierReviewMonths
    self.evaluationIntervalMonths = evaluationIntervalMonths
    self.marksReviewThreshold = marksReviewThreshold
    self.universalCertifications = universalCertifications
    self.certifications = certifications
    self.accreditations = accreditations
  }

  /// The display name of a certification slug, or the slug itself when the catalog lacks it.
  public func certificationName(_ slug: String) -> String {
    certifications.first { $0.slug == slug }?.name ?? slug
  }

  /// The catalog entry of an accreditation type.
  public func accreditationType(_ slug: String) -> AccreditationType? {
    accreditations.first { $0.slug == slug }
  }

  /// The certifications an accreditation of `type` requires: the universal ones, then the type's own.
  public func requiredCertifications(for type: String) -> [String] {
    var required = universalCertifications
    for slug in accreditationType(type)?.certifications ?? [] where !required.contains(slug) {
      required.append(slug)
    }
    return required
  }
}

/// One certification of the catalog.
public struct CertificationType: Hashable, Sendable {
  /// The slug records use.
  public var slug: String
  /// The name shown to people.
  public var name: String

  /// Creates a catalog entry.
  public init(slug: String, name: String) {
    self.slug = slug
    self.name = name
  }
}

/// One accreditation of the catalog.
public struct AccreditationType: Hashable, Sendable {
  /// The slug records use.
  public var slug: String
  /// The name shown to people.
  public var name: String
  /// Certifications this accreditation requires on top of the universal ones.
  public var certifications: [String]

  /// Creates a catalog entry.
  public init(slug: String, name: String, certifications: [String]) {
    self.slug = slug
    self.name = name
    self.certifications = certifications
  }
}
