/// Turns a view model into the dictionaries and arrays Mustache reads fastest.
///
/// swift-mustache looks a name up with `Mirror` on every object of the context stack, each time it meets
/// the name; converting each model once, up front, makes every lookup a dictionary access. A `nil`
/// optional leaves its key out, which Mustache treats exactly as it treats `nil`.
enum TemplateContext {
  static func convert(_ value: Any) -> Any? {
    switch value {
    case let text as String: return text
    case let flag as Bool: return flag
    case let number as Int: return number
    case let model as TemplateFields:
      return model.templateFields.compactMapValues(convert)
    default: break
    }
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional:
      return mirror.children.first.flatMap { convert($0.value) }
    case .collection, .set:
      return mirror.children.compactMap { convert($0.value) }
    case .struct, .class:
      var fields: [String: Any] = [:]
      fields.reserveCapacity(Int(mirror.children.count))
      for child in mirror.children {
        if let label = child.label, let converted = convert(child.value) { fields[label] = converted }
      }
      return fields
    default:
      return value
    }
  }
}
