public import AccreditEngine

/// A problem found in the content, at a position.
public struct Diagnostic: Hashable, Sendable, Comparable, Error {
  /// How bad it is.
  public enum Severity: String, Sendable {
    /// The content cannot be built.
    case error
    /// Suspicious, but the content builds (fails `check --strict`).
    case warning
  }

  /// How bad it is.
  public var severity: Severity
  /// Where it is.
  public var location: SourceLocation
  /// What is wrong, in words a records editor can act on.
  public var message: String

  /// Creates a diagnostic.
  public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
    self.severity = severity
    self.location = location
    self.message = message
  }

  /// Diagnostics sort by file, line and column, then errors before warnings, then by message.
  public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
    if lhs.location != rhs.location { return lhs.location < rhs.location }
    if lhs.severity != rhs.severity { return lhs.severity == .error }
    return lhs.message < rhs.message
  }
}

extension Array where Element == Diagnostic {
  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { contains { $0.severity == .error } }

  /// The number of errors.
  public var errorCount: Int { count { $0.severity == .error } }

  /// The number of warnings.
  public var warningCount: Int { count { $0.severity == .warning } }
}

/// Collects the diagnostics of one pass; a reference so that readers can share it.
final class DiagnosticSink {
  private(set) var diagnostics: [Diagnostic] = []

  func error(_ message: String, at location: SourceLocation) {
    diagnostics.append(Diagnostic(.error, at: location, message))
  }

  func warning(_ message: String, at location: SourceLocation) {
    diagnostics.append(Diagnostic(.warning, at: location, message))
  }

  func append(contentsOf other: [Diagnostic]) {
    diagnostics += other
  }
}
