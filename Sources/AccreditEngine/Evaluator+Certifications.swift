// Certification rules: which required certifications a partner holds on a date.

extension Evaluator {
  /// The required certifications of `type` that `partner` does not hold on `day`, sorted by slug,
  /// each with the reason it is missing.
  func missingCertifications(for type: String, of partner: Partner, accreditation: Accreditation, on day: Day)
    -> [(slug: String, reason: Reason)]
  {
    standards.requiredCertifications(for: type).sorted().compactMap { slug in
      let entries = partner.certifications.filter { $0.name == slug }
      guard !entries.contains(where: { $0.isHeld(on: day) }) else { return nil }
      let name = standards.certificationName(slug)
      let expired = entries.compactMap { entry in entry.expires.map { (entry, $0) } }
        .filter { $0.1 <= day }.max { $0.1 < $1.1 }
      if let (expired, expires) = expired {
        return (
          slug,
          Reason(
            rule: .certification, message: "\(name) expired \(expires.display)",
            location: expired.location, brief: "cert expired \(expires.display(relativeTo: day))")
        )
      }
      if let upcoming = entries.min(by: { $0.earned < $1.earned }) {
        return (
          slug,
          Reason(
            rule: .certification,
            message: "\(name) is not held until \(upcoming.earned.display)",
            location: upcoming.location, brief: "cert from \(upcoming.earned.display(relativeTo: day))")
        )
      }
      return (
        slug,
        Reason(
          rule: .certification, message: "Required certification \(name) is not on record",
          location: accreditation.location, brief: "cert missing")
      )
    }
  }
}
