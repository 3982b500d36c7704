/// A value kept in one box that its copies share until one of them changes it (copy on write), as the
/// standard library's arrays keep their elements: copying a `CopyOnWrite` is one reference count, whatever
/// the value holds. `EscalationCase` and `Partner` keep their fields in one, since a case or a record is
/// copied into the content, grouped for the evaluation, keyed and listed, and copying a dozen strings and
/// arrays each time added up at 10,000 partners.
struct CopyOnWrite<Value: Sendable>: Sendable {
  // Changed only through `value`'s `_modify`, when no other copy shares the box: a value, as it was.
  private final class Box: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
  }

  private var box: Box

  init(_ value: Value) { box = Box(value) }

  /// The value: read in place, and copied into a box of its own before a change when another copy shares
  /// the box.
  var value: Value {
    _read { yield box.value }
    _modify {
      if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
      yield &box.value
    }
  }

  /// Whether `other` shares this one's box (then the values are the same without comparing them).
  func sharesBox(with other: CopyOnWrite) -> Bool { box === other.box }
}

extension CopyOnWrite: Equatable where Value: Equatable {
  static func == (lhs: CopyOnWrite, rhs: CopyOnWrite) -> Bool {
    lhs.sharesBox(with: rhs) || lhs.value == rhs.value
  }
}
