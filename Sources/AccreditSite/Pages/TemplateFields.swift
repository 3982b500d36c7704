/// A view model that hands Mustache its fields itself, so that `TemplateContext` does not reflect on it.
///
/// Only the models on the hottest path have it: every page's frame and navigation, dates and statuses, and
/// the case page, which is most of a large site's pages. The field names are the properties' names.
protocol TemplateFields {
  /// The fields by name; a `nil` optional is left out, as reflection would.
  var templateFields: [String: Any] { get }
}

extension PageFrame: TemplateFields {
  var templateFields: [String: Any] {
    [
      "siteTitle": siteTitle, "title": title, "description": description, "root": root, "asOf": asOf, "nav": nav,
      "page": page,
    ]
  }
}

extension NavLink: TemplateFields {
  var templateFields: [String: Any] { ["label": label, "href": href, "isCurrent": isCurrent] }
}

extension DateView: TemplateFields {
  var templateFields: [String: Any] { ["iso": iso, "display": display] }
}

extension StatusView: TemplateFields {
  var templateFields: [String: Any] { ["key": key, "label": label, "icon": icon, "rank": rank, "meaning": meaning] }
}

extension StepperStage: TemplateFields {
  var templateFields: [String: Any] {
    var fields: [String: Any] = ["label": label, "state": state, "stateLabel": stateLabel, "isCurrent": isCurrent]
    if let date { fields["date"] = date }
    return fields
  }
}

extension CaseSummary: TemplateFields {
  var templateFields: [String: Any] {
    var fields: [String: Any] = [
      "id": id, "href": href, "customer": customer, "isSerious": isSerious, "opened": opened, "state": state,
      "isOpen": isOpen, "stepper": stepper,
    ]
    if let accreditation { fields["accreditation"] = accreditation }
    return fields
  }
}

extension CasePage: TemplateFields {
  var templateFields: [String: Any] {
    var fields: [String: Any] = [
      "id": id, "partnerName": partnerName, "partnerHref": partnerHref, "summary": summary, "notesHTML": notesHTML,
      "hasNotes": hasNotes,
    ]
    if let outcome { fields["outcome"] = outcome }
    return fields
  }
}
