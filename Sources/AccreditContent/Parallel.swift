import Dispatch
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

/// The cores to spread work over.
enum ProcessorCount {
  static let value = Swift.max(1, ProcessInfoCores.active)
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

  func values() -> [T] { (0..<count).compactMap { slots[$0] } }
}

/// A stable 64-bit hash of bytes: the same input gives the same value in every run and on every machine,
/// unlike `Hasher`. Written by hand: the build manifest needs no cryptographic strength, and hashing every
/// output file byte by byte (FNV-1a) cost 5 % of a full build; this takes eight bytes a step.
public enum StableHash {
  /// The starting value of every hash.
  public static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
  private static let prime: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// The hash of `bytes`, continuing from `seed`.
  public static func of(_ bytes: some Sequence<UInt8>, seed: UInt64 = seed) -> UInt64 {
    if let hash = bytes.withContiguousStorageIfAvailable({ of(UnsafeRawBufferPointer($0), seed: seed) }) {
      return hash
    }
    return of(Array(bytes), seed: seed)
  }

  /// The hash of raw bytes, eight at a time, then the tail and the length.
  public static func of(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = seed) -> UInt64 {
    var hash = seed
    var offset = 0
    while offset + 8 <= bytes.count {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      hash = mix(hash ^ word)
      offset += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while offset < bytes.count {
      tail |= UInt64(bytes[offset]) << shift
      shift += 8
      offset += 1
    }
    return mix(mix(hash ^ tail) ^ UInt64(bytes.count))
  }

  private static func mix(_ value: UInt64) -> UInt64 {
    let product = value &* prime
    return product ^ (product >> 29)
  }

  /// The hash of several values in order, each separated so that `["ab", "c"]` differs from `["a", "bc"]`.
  public static func combine(_ parts: [UInt64]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for part in parts {
      hash = mix(hash ^ part)
    }
    return hash
  }

  /// The hash of a string's UTF-8 bytes.
  public static func of(_ text: String) -> UInt64 { of(text.utf8) }
}
