import AccreditSite
import Foundation
import Synchronization

/// The site being served and the browsers waiting for a reload, shared by requests and the rebuilder.
final class PreviewState: Sendable {
  private struct State {
    var snapshot = SiteSnapshot.empty
    var listeners: [UUID: AsyncStream<Int>.Continuation] = [:]
    var isClosed = false
  }

  private let state = Mutex(State())

  /// The snapshot to answer a request from.
  var snapshot: SiteSnapshot { state.withLock { $0.snapshot } }

  /// What `body` makes of the snapshot, read in place: no copy of it outlives the call, so that the
  /// next patch changes the files in place instead of copying them.
  func withSnapshot<Result>(_ body: (SiteSnapshot) -> Result) -> Result {
    state.withLock { body($0.snapshot) }
  }

  /// The generation of the snapshot now served.
  var generation: Int { state.withLock { $0.snapshot.generation } }

  /// Swaps in a new snapshot and tells every listener its generation.
  func publish(_ snapshot: SiteSnapshot) {
    let listeners = state.withLock { state in
      state.snapshot = snapshot
      return Array(state.listeners.values)
    }
    for listener in listeners { listener.yield(snapshot.generation) }
  }

  /// Puts the files of a build that made `output` alone into the snapshot and takes `removed` out, in
  /// place, and publishes it.
  func patch(with output: [OutputFile], removing removed: [String] = [], at time: Date) {
    let (generation, listeners) = state.withLock { state in
      state.snapshot.patch(with: output, removing: removed, at: time)
      return (state.snapshot.generation, Array(state.listeners.values))
    }
    for listener in listeners { listener.yield(generation) }
  }

  /// Changes the snapshot with `change` and publishes the result.
  func update(_ change: (SiteSnapshot) -> SiteSnapshot) {
    publish(change(snapshot))
  }

  /// A stream of generations, one per rebuild, that ends when the server stops.
  func listen() -> AsyncStream<Int> {
    let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let id = UUID()
    let accepted = state.withLock { state -> Bool in
      guard !state.isClosed else { return false }
      state.listeners[id] = continuation
      return true
    }
    guard accepted else {
      continuation.finish()
      return stream
    }
    continuation.onTermination = { [weak self] _ in
      self?.state.withLock { _ = $0.listeners.removeValue(forKey: id) }
    }
    return stream
  }

  /// The snapshot once a build has published a whole site (see `SiteSnapshot.isWhole`), or when the
  /// server stops. The stream is registered before the snapshot is read, so no publish is missed.
  func wholeSnapshot() async -> SiteSnapshot {
    await snapshot { $0.isWhole }
  }

  /// The snapshot once it holds `key` (the first build's early part may), or is whole.
  func snapshot(holding key: String) async -> SiteSnapshot {
    await snapshot { $0.isWhole || $0.files[key] != nil }
  }

  private func snapshot(where isReady: (SiteSnapshot) -> Bool) async -> SiteSnapshot {
    while true {
      let published = listen()
      let current = snapshot
      var next = published.makeAsyncIterator()
      if isReady(current) { return current }
      if await next.next() == nil { return snapshot }
    }
  }

  /// The number of browsers listening, for tests.
  var listenerCount: Int { state.withLock { $0.listeners.count } }

  /// Ends every stream, so that open event connections close and the server can stop.
  func close() {
    let listeners = state.withLock { state in
      state.isClosed = true
      defer { state.listeners.removeAll() }
      return Array(state.listeners.values)
    }
    for listener in listeners { listener.finish() }
  }
}
