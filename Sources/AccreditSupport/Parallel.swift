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
/// while another runs; `value` waits for it.
public final class Background<Value: Sendable>: Sendable {
  private let done = DispatchGroup()
  private let made = Mutex<Value?>(nil)
  private let make: @Sendable () -> Value

  /// Starts `make` on another thread.
  public init(_ make: @escaping @Sendable () -> Value) {
    self.make = make
    DispatchQueue.global(qos: .userInitiated).async(group: done) { [self] in
      let value = make()
      made.withLock { $0 = value }
    }
  }

  /// The value, once made.
  public var value: Value {
    done.wait()
    // `make` has run to its end once `done` is left; calling it here again cannot happen but needs no unwrap.
    return made.withLock { $0 } ?? make()
  }
}
