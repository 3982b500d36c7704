import Foundation

/// The process's limit on open files (`RLIMIT_NOFILE`).
///
/// A server holds a descriptor per connection, and a build opens one per file it reads and per folder it
/// lists on every core. Out of descriptors, a build cannot read the content, and libdispatch stops the
/// whole process (its worker monitor opens `/proc/<tid>/stat` once a second while work is queued, and
/// traps when it cannot). So the server raises the soft limit to the hard one at start, as servers do,
/// and holds at most `maximumConnections` connections open.
enum DescriptorLimit {
  #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
  #else
    private static let resource = RLIMIT_NOFILE
  #endif

  /// The soft limit now.
  static var current: Int {
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return 1024 }
    return Int(clamping: limit.rlim_cur)
  }

  /// The hard limit, which only an administrator may raise.
  static var hard: Int {
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return 1024 }
    return Int(clamping: limit.rlim_max)
  }

  /// Half the descriptors the process may open, at most 1,024: the other half is for the build (a
  /// descriptor per file it reads and per folder it lists on every core) and for the runtime.
  static func maximumConnections(for descriptors: Int) -> Int {
    max(4, min(1024, descriptors / 2))
  }

  /// Raises the soft limit to the hard limit; returns the soft limit then in force.
  @discardableResult
  static func raise() -> Int {
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return 1024 }
    guard limit.rlim_cur < limit.rlim_max else { return Int(clamping: limit.rlim_cur) }
    var raised = limit
    raised.rlim_cur = limit.rlim_max
    if setrlimit(resource, &raised) != 0 {
      // macOS refuses a soft limit above `OPEN_MAX` (10,240) when the hard one is unlimited.
      raised.rlim_cur = max(limit.rlim_cur, min(limit.rlim_max, 10_240))
      if setrlimit(resource, &raised) != 0 { return Int(clamping: limit.rlim_cur) }
    }
    return Int(clamping: raised.rlim_cur)
  }
}
