/// Turns any `Encodable` view model into a `TemplateValue`, through the conformance the compiler
/// synthesizes: a field added to a model is in the templates with no second list to keep in step.
///
/// Properties keep their declaration order; a `nil` optional becomes `null`, which, unlike a missing
/// field, stops a name from climbing to an outer context. Dates, URLs and dictionaries encode as Swift's
/// `Codable` says they do; dictionaries have no fixed key order, so deterministic pages avoid them.
public enum TemplateEncoder {
  /// The template value of `model`.
  public static func encode<Model: Encodable>(_ model: Model) throws -> TemplateValue {
    try ValueEncoder(direct: true).value(of: model)
  }

  /// The template value of `model` through the `Encodable` conformances alone, ignoring every
  /// `TemplateRepresentable` value on the way: what a direct `templateValue` must equal (tests hold them).
  public static func encodeThroughCodable<Model: Encodable>(_ model: Model) throws -> TemplateValue {
    try ValueEncoder(direct: false).value(of: model)
  }
}

/// A view model that makes its template value itself, without the generic `Encodable` machinery (a
/// container box and generic metadata per object, a dynamic call per field): for the models of the pages
/// a site has thousands of. `templateValue` must equal what `Encodable` gives (field for field, in
/// declaration order, `null` for a nil optional): `TemplateEncoder.encodeThroughCodable` is that reference.
public protocol TemplateRepresentable: Encodable {
  /// The value `TemplateEncoder` would make of the model through `Encodable`.
  var templateValue: TemplateValue { get }
}

/// One encoder for a whole tree: `Encodable` encodes depth first, so the encoder keeps one scratch list
/// per depth and copies it, exactly sized, into the value when the value is done; a model of any size
/// costs one allocation per object and list.
private final class ValueEncoder: Encoder {
  /// Whether a `TemplateRepresentable` value gives its own value (else it is encoded field by field).
  private let direct: Bool
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  /// The depth of the value being encoded now; each level has its storage.
  private var depth = -1
  // One encoder serves one thread and calls nest strictly: the runtime's exclusivity checks on every
  // access were a measurable part of encoding.
  @exclusivity(unchecked) private var levels: [Level] = []

  struct Level {
    var kind = Kind.empty
    var fields: [(name: String, value: TemplateValue)] = []
    var items: [TemplateValue] = []
    /// Containers asked for with `nestedContainer` (never by synthesized conformances), by field or item.
    var nested: [(index: Int, storage: NestedStorage)] = []
  }

  enum Kind {
    case empty, single(TemplateValue), object, list
  }

  init(direct: Bool) {
    self.direct = direct
  }

  func value<Model: Encodable>(of model: Model) throws -> TemplateValue {
    // A value encoded before is taken as it is (comparing metatypes costs no dynamic cast).
    if Model.self == TemplateValue.self, let value = model as? TemplateValue { return value }
    if direct, let representable = model as? any TemplateRepresentable { return representable.templateValue }
    depth += 1
    if depth == levels.count { levels.append(Level()) } else { levels[depth].kind = .empty }
    defer { depth -= 1 }
    try model.encode(to: self)
    return finish(depth)
  }

  private func finish(_ level: Int) -> TemplateValue {
    switch levels[level].kind {
    case .empty: return .null
    case .single(let value): return value
    case .object:
      // The scratch list becomes the value as it is (no element is copied); the next object at this depth,
      // most often of the same type, gets a new one of the same size.
      var fields: [(name: String, value: TemplateValue)] = []
      swap(&fields, &levels[level].fields)
      levels[level].fields.reserveCapacity(fields.count)
      for (index, storage) in levels[level].nested { fields[index].value = storage.value }
      levels[level].nested.removeAll()
      return .object(TemplateObject(fields))
    case .list:
      var items: [TemplateValue] = []
      swap(&items, &levels[level].items)
      levels[level].items.reserveCapacity(items.count)
      for (index, storage) in levels[level].nested { items[index] = storage.value }
      levels[level].nested.removeAll()
      return .list(items)
    }
  }

  func set(_ name: String, _ value: TemplateValue, at level: Int) {
    levels[level].fields.append((name, value))
  }

  func append(_ value: TemplateValue, at level: Int) {
    levels[level].items.append(value)
  }

  func setSingle(_ value: TemplateValue) {
    levels[depth].kind = .single(value)
  }

  func count(at level: Int) -> Int { levels[level].items.count }

  func nest(_ storage: NestedStorage, at level: Int, isField: Bool) {
    let index = isField ? levels[level].fields.count - 1 : levels[level].items.count - 1
    levels[level].nested.append((index, storage))
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    levels[depth].kind = .object
    return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, level: depth))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    levels[depth].kind = .list
    return UnkeyedContainer(encoder: self, level: depth)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleContainer(encoder: self)
  }
}

/// A container asked for with `nestedContainer`: its own encoder, read when the enclosing value is done.
private final class NestedStorage {
  let encoder: ValueEncoder

  init(direct: Bool) {
    encoder = ValueEncoder(direct: direct)
  }

  var value: TemplateValue { encoder.nestedValue() }
}

extension ValueEncoder {
  /// Starts the top level of an encoder that serves a nested container.
  fileprivate func beginNested(_ kind: Kind) {
    depth = 0
    levels = [Level(kind: kind)]
  }

  fileprivate func nestedValue() -> TemplateValue { finish(0) }

  fileprivate var isDirect: Bool { direct }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let encoder: ValueEncoder
  let level: Int
  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil(forKey key: Key) { encoder.set(key.stringValue, .null, at: level) }
  mutating func encode(_ value: Bool, forKey key: Key) { encoder.set(key.stringValue, .bool(value), at: level) }
  mutating func encode(_ value: String, forKey key: Key) { encoder.set(key.stringValue, .string(value), at: level) }
  mutating func encode(_ value: Double, forKey key: Key) { encoder.set(key.stringValue, .double(value), at: level) }
  mutating func encode(_ value: Float, forKey key: Key) {
    encoder.set(key.stringValue, .double(Double(value)), at: level)
  }
  mutating func encode(_ value: Int, forKey key: Key) { encoder.set(key.stringValue, .int(value), at: level) }
  mutating func encode(_ value: Int8, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: Int16, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: Int32, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: Int64, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: UInt8, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: UInt16, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: UInt32, forKey key: Key) { encoder.set(key.stringValue, .int(Int(value)), at: level) }
  mutating func encode(_ value: UInt, forKey key: Key) { encoder.set(key.stringValue, number(value), at: level) }
  mutating func encode(_ value: UInt64, forKey key: Key) { encoder.set(key.stringValue, number(value), at: level) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    encoder.set(key.stringValue, try encoder.value(of: value), at: level)
  }

  // A nil optional is `null`, not a missing field: the name must not climb to an outer context.
  mutating func encodeIfPresent(_ value: String?, forKey key: Key) {
    encoder.set(key.stringValue, value.map { .string($0) } ?? .null, at: level)
  }
  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) {
    encoder.set(key.stringValue, value.map { .bool($0) } ?? .null, at: level)
  }
  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) {
    encoder.set(key.stringValue, value.map { .int($0) } ?? .null, at: level)
  }
  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) {
    encoder.set(key.stringValue, value.map { .double($0) } ?? .null, at: level)
  }
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
    encoder.set(key.stringValue, try value.map { try encoder.value(of: $0) } ?? .null, at: level)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    let nested = NestedStorage(direct: encoder.isDirect)
    nested.encoder.beginNested(.object)
    encoder.set(key.stringValue, .null, at: level)
    encoder.nest(nested, at: level, isField: true)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: nested.encoder, level: 0))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let nested = NestedStorage(direct: encoder.isDirect)
    nested.encoder.beginNested(.list)
    encoder.set(key.stringValue, .null, at: level)
    encoder.nest(nested, at: level, isField: true)
    return UnkeyedContainer(encoder: nested.encoder, level: 0)
  }

  mutating func superEncoder() -> any Encoder { encoder }
  mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let encoder: ValueEncoder
  let level: Int
  var codingPath: [any CodingKey] { [] }
  var count: Int { encoder.count(at: level) }

  mutating func encodeNil() { encoder.append(.null, at: level) }
  mutating func encode(_ value: Bool) { encoder.append(.bool(value), at: level) }
  mutating func encode(_ value: String) { encoder.append(.string(value), at: level) }
  mutating func encode(_ value: Double) { encoder.append(.double(value), at: level) }
  mutating func encode(_ value: Float) { encoder.append(.double(Double(value)), at: level) }
  mutating func encode(_ value: Int) { encoder.append(.int(value), at: level) }
  mutating func encode(_ value: Int8) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: Int16) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: Int32) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: Int64) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: UInt8) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: UInt16) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: UInt32) { encoder.append(.int(Int(value)), at: level) }
  mutating func encode(_ value: UInt) { encoder.append(number(value), at: level) }
  mutating func encode(_ value: UInt64) { encoder.append(number(value), at: level) }
  mutating func encode<T: Encodable>(_ value: T) throws { encoder.append(try encoder.value(of: value), at: level) }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let nested = NestedStorage(direct: encoder.isDirect)
    nested.encoder.beginNested(.object)
    encoder.append(.null, at: level)
    encoder.nest(nested, at: level, isField: false)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: nested.encoder, level: 0))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let nested = NestedStorage(direct: encoder.isDirect)
    nested.encoder.beginNested(.list)
    encoder.append(.null, at: level)
    encoder.nest(nested, at: level, isField: false)
    return UnkeyedContainer(encoder: nested.encoder, level: 0)
  }

  mutating func superEncoder() -> any Encoder { encoder }
}

private struct SingleContainer: SingleValueEncodingContainer {
  let encoder: ValueEncoder
  var codingPath: [any CodingKey] { [] }

  mutating func encodeNil() { encoder.setSingle(.null) }
  mutating func encode(_ value: Bool) { encoder.setSingle(.bool(value)) }
  mutating func encode(_ value: String) { encoder.setSingle(.string(value)) }
  mutating func encode(_ value: Double) { encoder.setSingle(.double(value)) }
  mutating func encode(_ value: Float) { encoder.setSingle(.double(Double(value))) }
  mutating func encode(_ value: Int) { encoder.setSingle(.int(value)) }
  mutating func encode(_ value: Int8) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: Int16) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: Int32) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: Int64) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: UInt8) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: UInt16) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: UInt32) { encoder.setSingle(.int(Int(value))) }
  mutating func encode(_ value: UInt) { encoder.setSingle(number(value)) }
  mutating func encode(_ value: UInt64) { encoder.setSingle(number(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws { encoder.setSingle(try encoder.value(of: value)) }
}

/// An unsigned number as an `Int` when it fits, else as a `Double`.
private func number<Unsigned: UnsignedInteger>(_ value: Unsigned) -> TemplateValue {
  if let exact = Int(exactly: value) { return .int(exact) }
  return .double(Double(value))
}
