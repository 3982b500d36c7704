/// The date a command evaluates the standards as of, and where it came from: the one rule, "the
/// evaluation date is `--as-of`, else `as_of:` in `site.yaml`, else today (UTC)", for every command.
public struct EvaluationDate: Sendable, Equatable {
  /// Where the date came from.
  public enum Source: String, Sendable {
    /// `--as-of` on the command line.
    case argument = "arg"
    /// `as_of:` in `site.yaml`.
    case site
    /// Today (UTC), when neither gives one.
    case today
  }

  /// The date.
  public let day: Day
  /// Where it came from (the build cache records it: a date that is "today" is stale tomorrow).
  public let source: Source

  /// The date from the command line's `argument`, else `site.yaml`'s `site`, else `today`.
  public init(argument: Day?, site: Day?, today: Day) {
    if let argument {
      (day, source) = (argument, .argument)
    } else if let site {
      (day, source) = (site, .site)
    } else {
      (day, source) = (today, .today)
    }
  }
}
