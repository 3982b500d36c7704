import AccreditEngine

/// One difference between two snapshots, in words a person reads in a job summary.
public struct StatusChange: Sendable, Equatable {
  /// What kind of change.
  public enum Kind: String, Sendable, CaseIterable {
    case partnerAdded = "partner-added"
    case partnerRemoved = "partner-removed"
    case tierChanged = "tier-changed"
    case marksAdded = "marks-added"
    case accreditationAdded = "accreditation-added"
    case accreditationRemoved = "accreditation-removed"
    case statusChanged = "status-changed"
  }

  /// The kind.
  public var kind: Kind
  /// The partner's slug.
  public var partner: String
  /// The partner's name.
  public var partnerName: String
  /// The accreditation's name, for accreditation changes.
  public var accreditation: String?
  /// The value before (a status, a tier, a count).
  public var from: String?
  /// The value after.
  public var to: String?
  /// Why, for a status change: the reasons that are new.
  public var detail: String?

  /// A change of `kind` to `partner`.
  public init(
    kind: Kind, partner: String, partnerName: String, accreditation: String? = nil, from: String? = nil,
    to: String? = nil, detail: String? = nil
  ) {
    self.kind = kind
    self.partner = partner
    self.partnerName = partnerName
    self.accreditation = accreditation
    self.from = from
    self.to = to
    self.detail = detail
  }

  /// The change as one line.
  public var line: String { line { $0 } }

  /// The change as one line, each value from the records (names, tiers, statuses, reasons) passed through
  /// `show`: the reports print names from untrusted records this way, escaped for their format.
  public func line(_ show: (String) -> String) -> String {
    let partnerName = show(partnerName)
    let accreditationName = show(accreditation ?? "")
    let from = from.map(show)
    let to = to.map(show)
    switch kind {
    case .partnerAdded: return "New partner: \(partnerName)" + (to.map { " (\($0))" } ?? "")
    case .partnerRemoved: return "Partner removed: \(partnerName)"
    case .tierChanged: return "\(partnerName): tier \(from ?? "none") → \(to ?? "none")"
    case .marksAdded: return "\(partnerName): marks on record \(from ?? "0") → \(to ?? "0")"
    case .accreditationAdded: return "\(partnerName) · \(accreditationName): new accreditation, \(to ?? "")"
    case .accreditationRemoved: return "\(partnerName) · \(accreditationName): no longer listed (was \(from ?? ""))"
    case .statusChanged:
      return "\(partnerName) · \(accreditationName): \(from ?? "") → \(to ?? "")"
        + (detail.map { " (\(show($0)))" } ?? "")
    }
  }
}

/// Compares two snapshots.
public enum StatusChanges {
  /// Every change from `before` to `after`, by partner name, then kind; `names` gives accreditation names.
  public static func between(
    _ before: StatusSnapshot, _ after: StatusSnapshot, names: (String) -> String = { $0 }
  ) -> [StatusChange] {
    var changes: [StatusChange] = []
    let slugs = Set(before.partners.keys).union(after.partners.keys)
    for slug in slugs {
      switch (before.partners[slug], after.partners[slug]) {
      case (nil, let added?):
        let summary =
          "\(added.tier ?? "no tier"), \(added.accreditations.count) accreditation"
          + (added.accreditations.count == 1 ? "" : "s")
        changes.append(.init(kind: .partnerAdded, partner: slug, partnerName: added.name, to: summary))
      case (let removed?, nil):
        changes.append(.init(kind: .partnerRemoved, partner: slug, partnerName: removed.name))
      case (let old?, let new?):
        changes += compare(old, new, names: names)
      default:
        break
      }
    }
    let order = StatusChange.Kind.allCases
    return changes.sorted {
      ($0.partnerName, order.firstIndex(of: $0.kind) ?? 0, $0.accreditation ?? "")
        < ($1.partnerName, order.firstIndex(of: $1.kind) ?? 0, $1.accreditation ?? "")
    }
  }

  private static func compare(
    _ old: StatusSnapshot.Partner, _ new: StatusSnapshot.Partner, names: (String) -> String
  ) -> [StatusChange] {
    var changes: [StatusChange] = []
    let name = new.name
    if old.tier != new.tier {
      changes.append(.init(kind: .tierChanged, partner: new.slug, partnerName: name, from: old.tier, to: new.tier))
    }
    if new.marks > old.marks {
      changes.append(
        .init(kind: .marksAdded, partner: new.slug, partnerName: name, from: String(old.marks), to: String(new.marks)))
    }
    func key(_ item: StatusSnapshot.Accreditation) -> String { "\(item.type)@\(item.issued)" }
    let oldItems = Dictionary(old.accreditations.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
    let newItems = Dictionary(new.accreditations.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
    for item in new.accreditations {
      guard let before = oldItems[key(item)] else {
        changes.append(
          .init(
            kind: .accreditationAdded, partner: new.slug, partnerName: name, accreditation: names(item.type),
            to: item.status))
        continue
      }
      guard before.status != item.status else { continue }
      let fresh = item.reasons.filter { !before.reasons.contains($0) }
      changes.append(
        .init(
          kind: .statusChanged, partner: new.slug, partnerName: name, accreditation: names(item.type),
          from: before.status, to: item.status, detail: fresh.isEmpty ? nil : fresh.joined(separator: "; ")))
    }
    for item in old.accreditations where newItems[key(item)] == nil {
      changes.append(
        .init(
          kind: .accreditationRemoved, partner: new.slug, partnerName: name, accreditation: names(item.type),
          from: item.status))
    }
    return changes
  }
}
