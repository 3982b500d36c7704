/// A value a template renders: what a view model becomes once, before rendering, so that every name a
/// template looks up is a scan of a few keys rather than a reflection or a dynamic cast.
public enum TemplateValue: Sendable, Equatable {
  /// Nothing: falsey in a section, empty when interpolated, and it stops a name from climbing the context.
  case null
  /// A Boolean: a section renders once when it is true.
  case bool(Bool)
  /// A whole number.
  case int(Int)
  /// A number with a fraction.
  case double(Double)
  /// Text.
  case string(String)
  /// A list: a section renders once per item; empty is falsey.
  case list([TemplateValue])
  /// An object: named fields in the order the model declares them.
  case object(TemplateObject)

  /// The field `name` of an object; nil for a value that is not an object or has no such field.
  @inline(__always)
  func field(_ name: String) -> TemplateValue? {
    guard case .object(let object) = self else { return nil }
    return object[name]
  }

  /// Whether a section over the value renders (`false`, `null` and the empty list do not).
  var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let flag): flag
    case .list(let items): !items.isEmpty
    default: true
    }
  }
}

/// The fields of an object value, in declaration order.
public struct TemplateObject: Sendable, Equatable {
  /// The fields; names are unique.
  public var fields: [(name: String, value: TemplateValue)]

  /// Creates an object from its fields.
  public init(_ fields: [(name: String, value: TemplateValue)] = []) {
    self.fields = fields
  }

  /// The value of the field `name`, or nil when the object has no such field.
  public subscript(name: String) -> TemplateValue? {
    // View models have a few dozen fields at most: a linear scan of small strings beats hashing.
    var index = 0
    while index < fields.count {
      if fields[index].name == name { return fields[index].value }
      index += 1
    }
    return nil
  }

  public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
    lhs.fields.count == rhs.fields.count
      && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
  }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
  public init(dictionaryLiteral elements: (String, TemplateValue)...) {
    self = .object(TemplateObject(elements.map { (name: $0.0, value: $0.1) }))
  }
  public init(nilLiteral: ()) { self = .null }
}

extension TemplateValue: Encodable {
  /// Encodes the value as itself: a model may hold a part encoded once and shared by many pages.
  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .null:
      var container = encoder.singleValueContainer()
      try container.encodeNil()
    case .bool(let flag):
      var container = encoder.singleValueContainer()
      try container.encode(flag)
    case .int(let number):
      var container = encoder.singleValueContainer()
      try container.encode(number)
    case .double(let number):
      var container = encoder.singleValueContainer()
      try container.encode(number)
    case .string(let text):
      var container = encoder.singleValueContainer()
      try container.encode(text)
    case .list(let items):
      var container = encoder.unkeyedContainer()
      for item in items { try container.encode(item) }
    case .object(let object):
      var container = encoder.container(keyedBy: FieldName.self)
      for field in object.fields { try container.encode(field.value, forKey: FieldName(field.name)) }
    }
  }

  private struct FieldName: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}

/// A part of a view model encoded once and shared by every page that shows it: it encodes as the value
/// `Model` encoded to, and keeps `Model` in the type so that the model still says what it holds.
public struct Encoded<Model: Encodable>: Encodable, Sendable {
  /// The encoded value.
  public let value: TemplateValue

  /// Encodes `model` now.
  public init(_ model: Model) throws {
    value = try TemplateEncoder.encode(model)
  }

  /// Wraps a value encoded already.
  public init(value: TemplateValue) {
    self.value = value
  }

  public func encode(to encoder: any Encoder) throws {
    // Through a single-value container, so that `TemplateEncoder` takes the value as it is.
    var container = encoder.singleValueContainer()
    try container.encode(value)
  }
}
