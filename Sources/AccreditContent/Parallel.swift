import Dispatch

extension Array where Element: Sendable {
  /// `map` run on every core, in chunks; the results keep the order of the elements.
  public func parallelMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
    guard count > 1 else { return map(transform) }
    let chunkCount = Swift.min(count, 8 * ProcessorCount.value)
    let chunkSize = (count + chunkCount - 1) / chunkCount
    let results = UnsafeResultBuffer<T>(count: count)
    let elements = self
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
      let start = chunk * chunkSize
      let end = Swift.min(start + chunkSize, elements.count)
      guard start < end else { return }
      for index in start..<end { results.set(index, transform(elements[index])) }
    }
    return results.values()
  }
}

/// The cores to spread work over.
enum ProcessorCount {
  static let value = Swift.max(1, ProcessInfoCores.active)
}

// Each index is written by exactly one chunk, and read only after `concurrentPerform` returns. The memory
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

/// A stable 64-bit hash of bytes (FNV-1a): the same input gives the same value in every run and on
/// every machine, unlike `Hasher`. Written by hand: the build manifest needs no cryptographic strength.
public enum StableHash {
  /// The hash of `bytes`, continuing from `seed`.
  public static func of(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = seed
    for byte in bytes {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }

  /// The hash of several values in order, each separated so that `["ab", "c"]` differs from `["a", "bc"]`.
  public static func combine(_ parts: [UInt64]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for part in parts {
      withUnsafeBytes(of: part.littleEndian) { hash = of($0, seed: hash) }
    }
    return hash
  }

  /// The hash of a string's UTF-8 bytes.
  public static func of(_ text: String) -> UInt64 { of(text.utf8) }
}
