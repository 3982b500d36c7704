import Dispatch
import Foundation
import Synchronization

extension Array where Element: Sendable {
  /// `map` run on every core; the results keep the order of the elements.
  ///
  /// Each core takes the next few elements as it becomes free, so that a few slow elements (the
  /// overview of a large site) do not leave the other cores idle at the end, as fixed chunks did.
  public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
    guard count > 1 else { return map(transform) }
    let results = UnsafeResultBuffer<T>(count: count)
    let next = Atomic<Int>(0)
    let batch = Swift.max(1, Swift.min(16, count / (64 * ProcessorCount.value)))
    let elements = self
    DispatchQueue.concurrentPerform(iterations: Swift.min(count, ProcessorCount.value)) { _ in
      while true {
        let start = next.wrappingAdd(batch, ordering: .relaxed).oldValue
        guard start < elements.count else { return }
        for index in start..<Swift.min(start + batch, elements.count) { results.set(index, transform(elements[index])) }
      }
    }
    return results.values()
  }
}

/// The cores to spread work over: those this process may use.
enum ProcessorCount {
  static let value = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
}

// Each index is written by exactly one worker, and read only after `concurrentPerform` returns. The memory
// is allocated once: writing through an `Array` from several threads is not safe (its mutating accessors
// may move or copy the buffer), writing distinct slots of one raw allocation is.
private final class UnsafeResultBuffer<T>: @unchecked Sendable {
  private let slots: UnsafeMutablePointer<T?>
  private let count: Int

  init(count: Int) {
    self.count = count
    slots = UnsafeMutablePointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil, count: count)
  }

  deinit {
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  func set(_ index: Int, _ value: T) {
    slots[index] = value
  }

  /// The results, moved out of their slots (which are left empty): no copy of each, retained here and
  /// released again when the buffer goes.
  func values() -> [T] {
    var values: [T] = []
    values.reserveCapacity(count)
    for index in 0..<count {
      if let value = slots[index].take() { values.append(value) }
    }
    return values
  }
}

/// A value made on another thread from the moment it is created, for work that one step of a build can do
/// while another runs; `value` waits for it. When no thread has started it by the time `value` is asked
/// for (every worker of the pool busy, or blocked in another caller's wait), the caller makes it: waiting
/// for a worker left the preview server's loads stalled for seconds while the tests' clients blocked the
/// pool's threads. What `make` holds is let go once it has run, not when the value is: a value waited for
/// in another's `make` (the parse cache in the memo's) was otherwise freed by whichever thread let go of
/// the other last, the build's own thread among them (150 ms of a record edit at 10,000 partners).
public final class Background<Value: Sendable>: Sendable {
  private enum State {
    case waiting(@Sendable () -> Value)
    case making
    case made(Value)
  }

  private let done = DispatchGroup()
  private let state: Mutex<State>

  /// Offers `make` to another thread.
  public init(_ make: @escaping @Sendable () -> Value) {
    state = Mutex(.waiting(make))
    done.enter()
    DispatchQueue.global(qos: .userInitiated).async { [self] in makeUnlessStarted() }
  }

  /// Makes the value, unless another thread started it.
  private func makeUnlessStarted() {
    let make = state.withLock { state -> (@Sendable () -> Value)? in
      guard case .waiting(let make) = state else { return nil }
      state = .making
      return make
    }
    guard let make else { return }
    let value = make()
    state.withLock { $0 = .made(value) }
    done.leave()
  }

  /// The value, once made (here, when no other thread started it).
  public var value: Value {
    makeUnlessStarted()
    done.wait()
    return state.withLock { state in
      guard case .made(let value) = state else { preconditionFailure("the value is made once `done` is left") }
      return value
    }
  }
}
