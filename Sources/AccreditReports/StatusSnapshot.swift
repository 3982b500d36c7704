import AccreditContent
public import AccreditEngine
public import Foundation

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
    self.init(document: StatusDocument(evaluations: evaluations, asOf: asOf, contentName: ""))
  }

  /// A snapshot of a status document.
  public init(document: StatusDocument) {
    asOf = document.asOf
    partners = Dictionary(
      document.partners.map { partner in
        (
          partner.slug,
          Partner(
            slug: partner.slug, name: partner.name, tier: partner.tier, marks: partner.marks,
            accreditations: partner.accreditations.map {
              Accreditation(type: $0.type, issued: $0.issued, status: $0.status, reasons: $0.reasons.map(\.message))
            })
        )
      }, uniquingKeysWith: { first, _ in first })
  }

  /// A problem reading a `status.json`: what is wrong, and where (`partners[2].accreditations[0].status`).
  public struct ReadError: Error, CustomStringConvertible {
    /// `partners[2].name: expected a string, found a number`.
    public var description: String
  }

  /// A snapshot read from a built `api/status.json`, decoded as the `StatusDocument` the build writes. A
  /// missing or mistyped field is an error naming its place in the document.
  public init(statusJSON data: Data) throws(ReadError) {
    let document: StatusDocument
    do {
      document = try JSONDecoder().decode(StatusDocument.self, from: data)
    } catch let error as DecodingError {
      throw ReadError(description: Self.describe(error))
    } catch {
      throw ReadError(description: "not JSON: \(error.localizedDescription)")
    }
    guard document.schema == StatusDocument.schemaVersion else {
      throw ReadError(description: "schema: \(document.schema) is not a schema this accredit reads (1)")
    }
    try Self.validate(document)
    self.init(document: document)
  }

  // What decoding cannot see: a date that is no date, a status accredit never writes, and one partner
  // listed twice, each of which would make the comparison say something untrue.
  private static func validate(_ document: StatusDocument) throws(ReadError) {
    func quoted(_ value: String) -> String { "'\(DiagnosticFormatter.printable(Substring(value), limit: 100))'" }
    guard Day(iso: document.asOf) != nil else {
      throw ReadError(description: "as_of: \(quoted(document.asOf)) is not a date (YYYY-MM-DD)")
    }
    var seen: [String: Int] = [:]
    for (index, partner) in document.partners.enumerated() {
      if let first = seen[partner.slug] {
        throw ReadError(
          description: "partners[\(index)].slug: \(quoted(partner.slug)) is listed twice (also partners[\(first)])")
      }
      seen[partner.slug] = index
      for (item, accreditation) in partner.accreditations.enumerated()
      where AccreditationStatus(rawValue: accreditation.status) == nil {
        let statuses = AccreditationStatus.allCases.map(\.rawValue).joined(separator: ", ")
        throw ReadError(
          description: "partners[\(index)].accreditations[\(item)].status: \(quoted(accreditation.status)) is not "
            + "a status; statuses are \(statuses)")
      }
    }
  }

  private static func describe(_ error: DecodingError) -> String {
    func place(_ path: [any CodingKey]) -> String {
      let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
      return text.hasPrefix(".") ? String(text.dropFirst()) : text.isEmpty ? "the document" : text
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "\(place(context.codingPath + [key])): missing"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return "\(place(context.codingPath)): expected \(Self.noun(type))"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not JSON (\(context.debugDescription))" : "\(place(context.codingPath)): \(context.debugDescription)"
    @unknown default:
      return "not an accredit status.json"
    }
  }

  private static func noun(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type: "a whole number"
    case is Bool.Type: "true or false"
    case is [Any].Type: "a list"
    default: "an object"
    }
  }
}
