public import AccreditEngine
public import AccreditContent
import AccreditSite
public import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `accredit serve`: builds the site into memory, serves it, and rebuilds it when the content or the
/// templates change; open pages reload themselves.
public struct PreviewServer: Sendable {
  /// What to serve and where.
  public struct Options: Sendable {
    /// The content folder.
    public var content: URL
    /// The content folder as the user named it, for diagnostics.
    public var contentLabel: String
    /// A templates folder laid over the built-in templates, watched too.
    public var templates: URL?
    /// The templates folder as the user named it, for diagnostics.
    public var templatesLabel: String
    /// A fixed evaluation date.
    public var asOf: Day?
    /// The address to bind.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// Poll the folders for changes instead of asking the kernel (for file systems that do not report
    /// changes, such as some network and container mounts).
    public var poll = false
    /// How often to look for changes when polling.
    public var pollInterval: Duration
    /// How long the files must stay unchanged before a rebuild, so that a burst of saves rebuilds once.
    public var quietPeriod: Duration
    /// How long, under inotify, the files must stay unchanged before a rebuild when every file written was
    /// closed since (each save done): a burst of saves comes faster than that.
    public var settledPeriod: Duration = .milliseconds(5)
    /// How long a connection may stay without a complete request (idle, or sending its request slowly)
    /// before it is closed; a response being written (the reload event stream) is not cut.
    public var requestTimeout: Duration = .seconds(5)
    /// The most connections held open at once; nil for half the file descriptors the process may open,
    /// at most 1,024 (`DescriptorLimit.maximumConnections`). More wait in the kernel's listen queue.
    public var maximumConnections: Int?
    /// The build cache (`serve --cache`, `.accredit-cache` by default): the parsed content files are read
    /// from it at start and saved to it, and a whole build records the files served first (the overview,
    /// the 404 page, the static files), so that the next start whose inputs are unchanged serves them at
    /// once (`SiteBuilder.StartStamp`). Nil for none.
    public var cache: BuildCache?

    /// Creates options.
    public init(
      content: URL, contentLabel: String, templates: URL?, templatesLabel: String, asOf: Day?,
      host: String = "127.0.0.1", port: Int = 8000, pollInterval: Duration = .milliseconds(100),
      quietPeriod: Duration = .milliseconds(25)
    ) {
      self.content = content
      self.contentLabel = contentLabel
      self.templates = templates
      self.templatesLabel = templatesLabel
      self.asOf = asOf
      self.host = host
      self.port = port
      self.pollInterval = pollInterval
      self.quietPeriod = quietPeriod
    }
  }

  let options: Options
  let state = PreviewState()
  /// The parsed content files; replaced at the first build by the build cache's, when there is one.
  let cache = Shared<ParseCache>()
  /// Writes the build cache's files one at a time, off the build (they share temporary names by process).
  let cacheWriter = DispatchQueue(label: "accredit.serve.cache", qos: .utility)
  let log: @Sendable (String) -> Void
  let watcher: FolderWatcher
  /// The kernel's change notifications; nil when polling.
  let notifier: ChangeNotifier?
  /// The folders as the last build found them, scanned before it read them: the watcher rebuilds when
  /// the folders differ from this, so an edit made while a build runs, or before the watcher starts, is
  /// never missed.
  let builtScan = Shared<[String: FileStamp]>()
  /// What the last good build leaves for an incremental edit; nil after a failed build.
  let baseline = Shared<SiteBuilder.Baseline>()
  /// With a build cache, what the start record of the site now served is made of (the inputs' stamp
  /// before they were read); nil when not known (no build cache, a failed build, an edit it cannot follow).
  let startRecord = Shared<SiteBuilder.StartRecord>()
  /// Runs before each build, for tests: a failure it throws is that build's (a build that cannot open
  /// files cannot be made in the test process without starving the other tests of descriptors).
  var beforeBuild: @Sendable () throws(SiteBuilder.Failure) -> Void = {}
  /// How long after an edit its start record is written (`recordStart`): more than the racy-clock window.
  var startRecordDelay: DispatchTimeInterval = .milliseconds(2100)
  /// Runs before a whole build renders (after the start files are served), for tests.
  var beforeRender: @Sendable () -> Void = {}

  /// The content folder's index in the watchers' lists (the templates folder, when there is one, follows).
  static let contentRoot = 0

  /// Creates a server; `log` receives what the terminal shows (build results, diagnostics).
  public init(options: Options, log: @escaping @Sendable (String) -> Void) {
    self.options = options
    self.log = log
    cache.store(ParseCache())
    let folders = [options.content] + (options.templates.map { [$0] } ?? [])
    watcher = FolderWatcher(folders: folders)
    // Made before the first build, so that no save after it is missed.
    notifier = options.poll ? nil : ChangeNotifier.make(watching: folders)
    if !options.poll && notifier == nil {
      log("The system does not report changes to these folders (no inotify, or its watch limit reached): polling.\n")
    }
  }

  /// Builds the site once, synchronously; returns whether it built.
  @discardableResult
  public func rebuild() -> Bool {
    rebuild(after: nil) == .built
  }

  /// How a build ended.
  enum Outcome: Equatable {
    case built
    /// The content or the templates have errors: the next change may fix them.
    case failed
    /// Files could not be opened: the process or the system is out of file descriptors (`EMFILE`,
    /// `ENFILE`). Nothing in the folders is wrong, so the build is tried again without waiting for a change.
    case outOfDescriptors
  }

  /// Builds the site after `changes` (what the kernel reported since the last build; when polling, the
  /// scans tell): an edit the planner (`SiteBuilder.plan`) finds incremental renders the pages it changes
  /// and nothing else; anything else, or no report, builds the whole site.
  func rebuild(after changes: ChangeNotifier.Changes?) -> Outcome {
    let scanned = notifier == nil ? rescan() : nil
    let started = ContinuousClock.now
    let request = SiteBuilder.Request(
      content: options.content, templates: options.templates, asOf: options.asOf, today: .todayUTC())
    do {
      try beforeBuild()
      if try renderEdit(changes, scanned: scanned, request: request, started: started) { return .built }
      try renderWhole(request, started: started)
      return .built
    } catch {
      return failed(error)
    }
  }

  /// Renders the pages an edit changes, when the planner finds it incremental against the site served now
  /// (`baseline`); false when it does not, and the whole site must be built.
  private func renderEdit(
    _ changes: ChangeNotifier.Changes?, scanned: ChangeSet?, request: SiteBuilder.Request,
    started: ContinuousClock.Instant
  ) throws(SiteBuilder.Failure) -> Bool {
    // Taken out, so that the edit changes its tables in place: whatever follows stores the next one (an
    // edit's, a whole build's, or none after an error).
    guard let baseline = baseline.take(), let changes = scanned ?? changeSet(changes, since: baseline) else {
      return false
    }
    let restamped = restamp(changes)
    guard var patch = try SiteBuilder.renderChanges(request, changes: changes, since: consume baseline) else {
      return false
    }
    // Files that came and went change nothing: no new build for open pages to reload.
    if !patch.files.isEmpty || !patch.removed.isEmpty {
      state.patch(with: patch.files, removing: patch.removed, at: Date())
    }
    patch.releaseRetired()
    self.baseline.store(patch.baseline)
    recordStart(restamped, edited: changes.content.keys, request: request)
    log(
      "Built \(state.snapshot.files.count) files (\(patch.files.count) rendered: \(patch.summary)) as of "
        + "\(patch.baseline.asOf.iso) in \(milliseconds(started.duration(to: .now))) ms\n")
    return true
  }

  /// Builds the whole site and serves it; the first build publishes its early pages as they are rendered.
  private func renderWhole(_ request: SiteBuilder.Request, started: ContinuousClock.Instant)
    throws(SiteBuilder.Failure)
  {
    let previous = state.snapshot.renderedFiles
    let state = self.state
    let isFirst = previous.isEmpty
    // With the build cache, the inputs are stamped before they are read: the first build serves the
    // files the last whole build recorded for these stamps at once, and every whole build records its own.
    let stamp = options.cache == nil ? nil : SiteBuilder.StartStamp(request)
    if isFirst, let buildCache = options.cache {
      if let stamp { serveStartFiles(request, stamp: stamp, cache: buildCache) }
      let loaded = ParseCache.load(
        from: buildCache.parseCacheFile(for: options.content), identity: SiteRenderer.buildIdentity)
      if let warning = loaded.warning { log("warning: \(warning)\n") }
      cache.store(loaded.cache)
    }
    // The first build publishes the overview (and the 404 page and static files) as soon as they are
    // rendered; requests for other pages wait for the rest.
    let early: (@Sendable ([OutputFile]) -> Void)? =
      isFirst ? { @Sendable files in state.update { $0.replacing(with: files, at: Date(), isPartial: true) } } : nil
    beforeRender()
    let parseCache = cache.load() ?? ParseCache()
    let result = try SiteBuilder.render(request, previous: previous, cache: parseCache, start: stamp, early: early)
    state.update { $0.replacing(with: result.files, at: Date()) }
    baseline.store(result.baseline)
    if let buildCache = options.cache {
      let record = stamp.map { SiteBuilder.StartRecord(result, stamp: $0) }
      startRecord.store(record)
      let file = buildCache.parseCacheFile(for: options.content)
      cacheWriter.async {
        record?.write(result.files, request: request, cache: buildCache)
        parseCache.save(to: file, identity: SiteRenderer.buildIdentity)
      }
    }
    let rendered = result.files.count { !$0.isReused }
    log(
      "Built \(result.files.count) files (\(rendered) rendered) as of \(result.asOf.iso) in "
        + "\(milliseconds(started.duration(to: .now))) ms\n")
  }

  /// Reports a failed build and keeps serving the last good site.
  private func failed(_ error: SiteBuilder.Failure) -> Outcome {
    let report: String
    switch error {
    case .content(let diagnostics, let sources):
      report = DiagnosticFormatter(root: options.contentLabel, sources: sources).report(diagnostics)
    case .templates(let diagnostics, let sources):
      report = DiagnosticFormatter(root: options.templatesLabel, sources: sources).report(diagnostics)
    case .io(let message), .write(let message), .busy(let message), .search(let message), .refused(let message):
      report = "error: \(message)\n"
    }
    baseline.store(nil)
    startRecord.store(nil)
    state.update { $0.failing(with: report) }
    if Self.saysOutOfDescriptors(report) {
      log(report + "The last good site is still served; the build could not open files, and is tried again.\n")
      return .outOfDescriptors
    }
    log(report + "The last good site is still served; fix the problems above and save.\n")
    return .failed
  }

  /// The start record after an edit of `changes` alone: the edited content files stamped again, before the
  /// edit's render reads them (the other files are as the record's stamp found them, or the edit would not
  /// be incremental). Nil without a record, or for an edit of templates or of files added or removed.
  private func restamp(_ changes: ChangeSet) -> SiteBuilder.StartRecord? {
    guard options.cache != nil, var record = startRecord.load(), !changes.templates, !changes.newDay,
      !changes.isUnknown, let stamp = record.stamp.restamping(changes.content.keys)
    else { return nil }
    record.stamp = stamp
    return record
  }

  /// Keeps `record` as the start record of the site now served after an edit of the content files
  /// `edited`, and writes it, with the site's start files, into the build cache, off the build. The edited
  /// files were just changed, so a record written now would have their stamps smudged (the racy-clock rule)
  /// and never hold: it is written 2.1 s later, if no build came since and the edited files still stamp as
  /// they did before the edit's render read them (another change is another build's to record).
  private func recordStart(
    _ record: SiteBuilder.StartRecord?, edited: some Collection<String>, request: SiteBuilder.Request
  ) {
    guard let buildCache = options.cache else { return }
    startRecord.store(record)
    guard let record else { return }
    // The kept files looked up, not every file looked at; and the generation kept, not the snapshot: a
    // snapshot held until the write would make the next edit's patch copy every file.
    let (generation, files) = state.withSnapshot { snapshot in
      (
        snapshot.generation,
        record.keptPaths.compactMap { path in
          snapshot.files[path].map { OutputFile(path: path, bytes: $0.bytes, key: $0.key) }
        }
      )
    }
    let edited = Array(edited)
    let state = self.state
    cacheWriter.asyncAfter(deadline: .now() + startRecordDelay) {
      guard state.generation == generation, record.isCurrent(edited) else { return }
      record.write(files, request: request, cache: buildCache)
    }
  }

  /// Publishes the start files the build cache holds for the inputs as `stamp` found them, as the first
  /// build's early part: requests for them are answered at once, requests for other files wait for the
  /// build. A damaged record is said and ignored.
  private func serveStartFiles(_ request: SiteBuilder.Request, stamp: SiteBuilder.StartStamp, cache: BuildCache) {
    switch SiteBuilder.startFiles(request, stamp: stamp, cache: cache) {
    case .none: break
    case .damaged(let warning): log("warning: \(warning)\n")
    case .found(let files):
      log("Serving the last build's overview from the build cache while the site builds.\n")
      state.update { $0.generation == 0 ? $0.replacing(with: files, at: Date(), isPartial: true) : $0 }
    }
  }

  /// The kernel's report as a change set: the content files by what happened to them since `baseline`'s
  /// build, and whether a template changed. Nil without a report (the whole build).
  func changeSet(_ reported: ChangeNotifier.Changes?, since baseline: SiteBuilder.Baseline) -> ChangeSet? {
    guard let reported else { return nil }
    guard !reported.isUnknown else { return ChangeSet(isUnknown: true) }
    var changes = ChangeSet()
    for (root, paths) in reported.files where !paths.isEmpty {
      if root == Self.contentRoot {
        changes.content = ChangeSet.touched(paths, in: options.content, known: baseline.lists)
      } else {
        changes.templates = true
      }
    }
    return changes
  }

  /// When polling: scans the folders, keeps the scan for the watcher, and returns what changed since the
  /// last build's scan (nil before the first).
  private func rescan() -> ChangeSet? {
    let scan = watcher.scan()
    let previous = builtScan.load()
    builtScan.store(scan)
    return previous.map { ChangeSet.between($0, scan, content: options.content, templates: options.templates) }
  }

  /// Whether a build's report says a file could not be opened for want of descriptors: the system's own
  /// words for `EMFILE` and `ENFILE` (`Too many open files`), which the reader puts in its diagnostics.
  static func saysOutOfDescriptors(_ report: String) -> Bool {
    [EMFILE, ENFILE].contains { report.contains(String(cString: strerror($0))) }
  }

  /// The HTTP application: the site responder and the watcher that rebuilds.
  public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    var logger = Logger(label: "accredit.serve")
    logger.logLevel = ProcessInfo.processInfo.environment["ACCREDIT_DEBUG"] == nil ? .error : .debug
    let timeout = options.requestTimeout.components
    let idle = TimeAmount.nanoseconds(timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000)
    // Idle connections must not take the descriptors a build needs: at the maximum the server stops
    // accepting, and new connections wait in the kernel's listen queue until one closes.
    let maximum = options.maximumConnections ?? DescriptorLimit.maximumConnections(for: DescriptorLimit.current)
    return Application(
      responder: SiteResponder(state: state),
      server: HTTPServerBuilder { responder in
        PreviewChannel(http1: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idle)))
      },
      configuration: .init(
        address: .hostname(options.host, port: options.port), serverName: nil,
        availableConnectionsDelegate: .maximum(maximum, logger: logger)),
      services: [WatchService(server: self)],
      onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
      logger: logger)
  }

  /// Serves at once and builds (the overview is served as soon as it is rendered), until SIGINT or
  /// SIGTERM; stops cleanly. The soft limit on open files is raised to the hard limit first.
  public func run() async throws {
    DescriptorLimit.raise()
    let host = options.host.contains(":") ? "[\(options.host)]" : options.host
    let app = application { port in
      log("Serving at http://\(host):\(port)/ — watching for changes; press Ctrl-C to stop.\n")
    }
    do {
      try await app.runService()
    } catch let error as IOError where [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode) {
      throw CannotListen(host: options.host, port: options.port, errno: error.errnoCode)
    }
    // The build cache's files being written are finished, so that the next start has them.
    cacheWriter.sync {}
    log("Stopped.\n")
  }

  /// The server could not take its address: the port is in use, reserved, or the host is not this machine's.
  public struct CannotListen: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    let errno: Int32

    public var description: String {
      switch errno {
      case EADDRINUSE:
        "port \(port) is in use (another server is running there); pass --port 0 to pick a free one, or stop the other"
      case EACCES: "port \(port) needs administrator rights; pass a port above 1023, or --port 0 to pick a free one"
      default: "cannot listen on \(host): it is not an address of this machine; pass --host 127.0.0.1"
      }
    }
  }

  /// Builds the site if nothing was built yet, then watches the folders until the server stops,
  /// rebuilding after each burst of changes.
  func watch() async {
    if state.snapshot.generation == 0 { await rebuildRetrying() }
    if let notifier {
      await watch(notifier)
    } else {
      await poll()
    }
  }

  /// Rebuilds when the kernel reports a change, once the changes have been quiet (`settle`).
  /// The notifier waits on a thread of its own, so that it never holds one of Swift's cooperative threads.
  private func watch(_ notifier: ChangeNotifier) async {
    let changes = Atomic<Int>(0)
    let stopped = Atomic<Bool>(false)
    let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let thread = Thread { [notifier] in
      while !stopped.load(ordering: .relaxed) {
        if notifier.wait(timeout: .milliseconds(200)) {
          changes.add(1, ordering: .relaxed)
          signal.yield()
        }
      }
      signal.finish()
    }
    thread.start()
    var built = 0
    await withTaskCancellationHandler {
      for await _ in signals {
        let seen = changes.load(ordering: .relaxed)
        guard seen != built else { continue }
        do {
          built = try await settle(notifier, changes: changes, from: seen)
        } catch {
          break
        }
        let reported = notifier.takeChanges()
        guard !reported.isEmpty else { continue }
        log("Change detected; rebuilding.\n")
        await rebuildRetrying(after: reported)
        // A new folder could not be watched: from now on, changes are found by scanning.
        if notifier.missedFolder {
          log("The watch limit was reached (fs.inotify.max_user_watches): polling from now on.\n")
          break
        }
      }
    } onCancel: {
      stopped.store(true, ordering: .relaxed)
    }
    stopped.store(true, ordering: .relaxed)
    if notifier.missedFolder && !Task.isCancelled {
      builtScan.store(watcher.scan())
      await poll()
    }
  }

  /// Waits until the changes `changes` counts (`seen` so far) have been quiet for `settledPeriod`, when
  /// every file written was closed since, or else for `quietPeriod` (a save still under way); returns the
  /// count then. A save is seen whole 5 ms after it, not 25: at 10,000 partners, where a note edit
  /// renders in 5 ms, the wait was half the time from the save to the page served.
  private func settle(_ notifier: ChangeNotifier, changes: borrowing Atomic<Int>, from seen: Int) async throws -> Int {
    var seen = seen
    var quietSince = ContinuousClock.now
    while true {
      try await Task.sleep(for: options.settledPeriod)
      let now = changes.load(ordering: .relaxed)
      if now != seen {
        (seen, quietSince) = (now, .now)
      } else if !notifier.isWriting || quietSince.duration(to: .now) >= options.quietPeriod {
        return seen
      }
    }
  }

  /// Rebuilds when a scan of the folders differs from what the last build saw.
  private func poll() async {
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: options.pollInterval)
        var current = watcher.scan()
        guard current != builtScan.load() else { continue }
        while true {
          try await Task.sleep(for: options.quietPeriod)
          let next = watcher.scan()
          if next == current { break }
          current = next
        }
        log("Change detected; rebuilding.\n")
        // `rebuild` records its own scan when there is no notifier; after a fallback from one, this does.
        if notifier != nil { builtScan.store(current) }
        await rebuildRetrying()
      } catch {
        break
      }
    }
  }

  /// Rebuilds; when the build could not open files, builds the whole site again after 250 ms, then after
  /// twice as long each time up to 4 s, until it can (or the server stops). Changes made meanwhile are
  /// in the next build, which reads everything.
  private func rebuildRetrying(after changes: ChangeNotifier.Changes? = nil) async {
    var delay = Duration.milliseconds(250)
    var outcome = await rebuildOffThePool(after: changes)
    while outcome == .outOfDescriptors {
      log("Trying the build again in \(milliseconds(delay)) ms.\n")
      do { try await Task.sleep(for: delay) } catch { return }
      delay = min(delay * 2, .seconds(4))
      outcome = await rebuildOffThePool()
    }
  }

  // A build blocks its thread for its whole length and spreads over every core; running it on a
  // Dispatch thread keeps Swift's cooperative threads, which answer requests, free meanwhile.
  private func rebuildOffThePool(after changes: ChangeNotifier.Changes? = nil) async -> Outcome {
    await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
      DispatchQueue.global(qos: .userInitiated).async {
        continuation.resume(returning: rebuild(after: changes))
      }
    }
  }

  /// The generation of the site now served, for tests.
  public var generation: Int { state.snapshot.generation }

  private func milliseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
  }
}

/// Runs the watcher as a service of the application, so that it stops with the server, and closes the
/// event streams on shutdown so that open pages do not hold the server up.
struct WatchService: Service {
  let server: PreviewServer

  func run() async throws {
    await withGracefulShutdownHandler {
      await cancelWhenGracefulShutdown {
        await server.watch()
      }
    } onGracefulShutdown: {
      server.state.close()
    }
    server.state.close()
  }
}
