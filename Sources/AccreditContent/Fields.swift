import AccreditEngine
import Foundation

/// The fields of one YAML mapping, read by name with typed accessors that report every problem
/// (unknown key, missing key, wrong type, bad date) at the value's position.
struct Fields {
  let document: YAMLDocument
  /// The mapping node itself.
  let node: YAMLNode
  /// What the mapping is, for messages: "partner record", "tier entry".
  let what: String
  /// The allowed keys present, in the order written. A mapping has a dozen keys at most: a scan beats
  /// building a dictionary for each of the hundred thousand mappings of a large program.
  private let values: [(name: String, key: YAMLNode, value: YAMLNode)]

  /// Reads `node` as a mapping with the `allowed` keys; reports and returns nil when it is not a mapping.
  init?(_ node: YAMLNode, in document: YAMLDocument, what: String, allowed: [String]) {
    guard case .mapping(let mapping) = node else {
      document.error("\(what) must be a mapping (key: value pairs), found \(node.kindDescription)", at: node)
      return nil
    }
    self.document = document
    self.node = node
    self.what = what
    var values: [(name: String, key: YAMLNode, value: YAMLNode)] = []
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        document.error("keys of a \(what) must be plain words", at: key)
        continue
      }
      let name = scalar.string
      guard allowed.contains(name) else {
        let hint = Suggestion.hint(for: name, in: allowed)
        document.error("unknown key '\(name)' in \(what)\(hint)", at: key)
        continue
      }
      // A duplicated key is refused when the YAML is composed, so each name is here once.
      values.append((name, key, value))
    }
    self.values = values
  }

  private func entry(_ name: String) -> (name: String, key: YAMLNode, value: YAMLNode)? {
    values.first { $0.name == name }
  }

  /// The position of the mapping.
  var location: SourceLocation { document.location(of: node) }

  /// The value of `key`; nil when absent or null.
  func value(_ key: String) -> YAMLNode? {
    guard let value = entry(key)?.value, !value.isNull else { return nil }
    return value
  }

  /// The position of `key`'s name, or of the mapping when the key is absent.
  func keyLocation(_ key: String) -> SourceLocation {
    entry(key).map { document.location(of: $0.key) } ?? location
  }

  private func missing(_ key: String) {
    document.sink.error("\(what) is missing '\(key)'", at: location)
  }

  /// A text value.
  func text(_ key: String, required: Bool = false) -> String? {
    guard let node = value(key) else {
      if required { missing(key) }
      return nil
    }
    guard case .scalar(let scalar) = node else {
      document.error("'\(key)' must be text, found \(node.kindDescription)", at: node)
      return nil
    }
    let text = scalar.string
    // A byte scan: Foundation's `trimmingCharacters` bridged every value and cost 6 % of a load.
    if required && text.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
      document.error("'\(key)' must not be empty", at: node)
      return nil
    }
    return text
  }

  /// A text value with its position.
  func located(_ key: String, required: Bool = false) -> Located<String>? {
    guard let text = text(key, required: required), let node = value(key) else { return nil }
    return Located(text, at: document.location(of: node))
  }

  /// A `YYYY-MM-DD` date.
  func day(_ key: String, required: Bool = false) -> Day? {
    guard let node = value(key) else {
      if required { missing(key) }
      return nil
    }
    guard case .scalar(let scalar) = node else {
      document.error("'\(key)' must be a date (YYYY-MM-DD), found \(node.kindDescription)", at: node)
      return nil
    }
    return Fields.day(scalar.string, key: key, at: node, in: document)
  }

  /// Parses a date, reporting a bad one at `node`.
  static func day(_ text: String, key: String, at node: YAMLNode, in document: YAMLDocument) -> Day? {
    if let day = Day(iso: text) { return day }
    let shaped =
      text.count == 10
      && text.enumerated().allSatisfy { index, character in
        index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
      }
    let message =
      shaped
      ? "'\(key)' is '\(text)', which is not a calendar date"
      : "'\(key)' is '\(text)', which is not a date: write YYYY-MM-DD"
    document.error(message, at: node)
    return nil
  }

  /// A boolean: `true` or `false` (YAML 1.1's `yes`/`no` and `on`/`off` too).
  func bool(_ key: String) -> Bool? {
    guard let node = value(key) else { return nil }
    guard case .scalar(let scalar) = node, let value = Fields.booleans[scalar.string] else {
      document.error("'\(key)' must be true or false", at: node)
      return nil
    }
    return value
  }

  private static let booleans: [String: Bool] = [
    "true": true, "True": true, "TRUE": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true,
    "ON": true, "false": false, "False": false, "FALSE": false, "no": false, "No": false, "NO": false,
    "off": false, "Off": false, "OFF": false,
  ]

  /// A whole number.
  func int(_ key: String, required: Bool = false) -> Int? {
    guard let node = value(key) else {
      if required { missing(key) }
      return nil
    }
    guard case .scalar(let scalar) = node, let value = Int(yaml: scalar) else {
      document.error("'\(key)' must be a whole number", at: node)
      return nil
    }
    return value
  }

  /// The items of a list; an absent key is an empty list.
  func list(_ key: String, required: Bool = false) -> [YAMLNode] {
    guard let node = value(key) else {
      if required { missing(key) }
      return []
    }
    guard case .sequence(let sequence) = node else {
      document.error("'\(key)' must be a list, found \(node.kindDescription)", at: node)
      return []
    }
    return Array(sequence)
  }

  /// A list of text values with their positions.
  func textList(_ key: String, required: Bool = false) -> [Located<String>] {
    list(key, required: required).compactMap { item in
      guard case .scalar(let scalar) = item, !item.isNull else {
        document.error("items of '\(key)' must be single values, found \(item.kindDescription)", at: item)
        return nil
      }
      return Located(scalar.string, at: document.location(of: item))
    }
  }

  /// The entries of a mapping value, in file order; an absent key is empty.
  func entries(_ key: String, required: Bool = false) -> [(key: YAMLNode, value: YAMLNode)] {
    guard let node = value(key) else {
      if required { missing(key) }
      return []
    }
    guard case .mapping(let mapping) = node else {
      document.error("'\(key)' must be a mapping (key: value pairs), found \(node.kindDescription)", at: node)
      return []
    }
    return mapping.map { ($0.key, $0.value) }
  }
}
