import AccreditMustache

// The template values of the models a site has thousands of (case pages, partner pages, their rows, the
// feeds), made directly rather than through `Encodable`'s generic containers, which were a tenth of a
// build. Each lists its fields as the model declares them; `TemplateValuesTests` holds every one equal to
// `TemplateEncoder.encodeThroughCodable` on the sample content.

extension TemplateValue {
  /// Text, or `null` for nil (as `Encodable` encodes a nil optional).
  static func text(_ text: String?) -> TemplateValue {
    text.map { .string($0) } ?? .null
  }

  /// A model's value, or `null` for nil.
  static func optional(_ model: (some TemplateRepresentable)?) -> TemplateValue {
    model?.templateValue ?? .null
  }

  /// A list of models.
  static func items(_ models: [some TemplateRepresentable]) -> TemplateValue {
    .list(models.map(\.templateValue))
  }

  /// An object of `fields`, in order.
  static func fields(_ fields: [(name: String, value: TemplateValue)]) -> TemplateValue {
    .object(TemplateObject(fields))
  }
}

extension DateView: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("iso", .string(iso)), ("display", .string(display))])
  }
}

extension StatusView: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("key", .string(key)), ("label", .string(label)), ("icon", .string(icon)), ("rank", .int(rank)),
      ("meaning", .string(meaning)),
    ])
  }
}

extension StepperStage: TemplateRepresentable {}

extension CaseSummary: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("id", .string(id)), ("href", .string(href)), ("customer", .string(customer)),
      ("accreditation", .text(accreditation)), ("isSerious", .bool(isSerious)), ("opened", opened.templateValue),
      ("state", .string(state)), ("isOpen", .bool(isOpen)), ("stepper", stepper.value),
    ])
  }
}

extension CasePage: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("id", .string(id)), ("partnerName", .string(partnerName)), ("partnerHref", .string(partnerHref)),
      ("summary", summary.templateValue), ("outcome", .text(outcome)), ("notesHTML", .string(notesHTML)),
      ("hasNotes", .bool(hasNotes)),
    ])
  }
}

extension FeedModel: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("title", .string(title)), ("id", .string(id)), ("siteURL", .string(siteURL)), ("feedURL", .string(feedURL)),
      ("updated", .string(updated)), ("entries", .items(entries)),
    ])
  }
}

extension FeedModel.Entry: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("id", .string(id)), ("title", .string(title)), ("updated", .string(updated)), ("link", .string(link)),
      ("summary", .string(summary)),
    ])
  }
}

extension SiteContext {
  /// `frame(page, …)`'s template value around the value of a page's model, made directly (a test holds the
  /// two equal): every page has a frame.
  func framed(_ page: TemplateValue, title: String, description: String, root: String, current: String)
    -> TemplateValue
  {
    let nav = encodedNavigation(root: root, current: current)
    return .fields([
      ("siteTitle", .string(content.site.title)), ("title", .string(title)), ("description", .string(description)),
      ("root", .string(root)), ("asOf", asOfValue), ("nav", nav), ("search", .bool(search)), ("page", page),
    ])
  }
}

extension PartnerPage: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("name", .string(name)), ("slug", .string(slug)), ("region", .text(region)), ("website", .text(website)),
      ("pdm", .text(pdm)), ("overall", overall.templateValue), ("headline", .string(headline)),
      ("tier", .string(tier)), ("tierEligible", .bool(tierEligible)), ("inGrace", .bool(inGrace)),
      ("tierText", .string(tierText)), ("nextTierReview", .string(nextTierReview)), ("applyText", .string(applyText)),
      ("accreditations", .items(accreditations)), ("hasAccreditations", .bool(hasAccreditations)),
      ("tiers", .items(tiers)), ("grace", .items(grace)), ("hasGrace", .bool(hasGrace)),
      ("certifications", .items(certifications)), ("hasCertifications", .bool(hasCertifications)),
      ("openCases", .items(openCases)), ("hasOpenCases", .bool(hasOpenCases)),
      ("closedCases", .items(closedCases)), ("hasClosedCases", .bool(hasClosedCases)),
      ("marksText", .string(marksText)), ("decisions", .items(decisions)), ("hasDecisions", .bool(hasDecisions)),
      ("scheduled", .items(scheduled)), ("hasScheduled", .bool(hasScheduled)),
      ("statusHistory", .items(statusHistory)), ("hasStatusHistory", .bool(hasStatusHistory)),
      ("timeline", timeline.templateValue), ("badgeHref", .string(badgeHref)), ("feedHref", .string(feedHref)),
    ])
  }
}

extension PartnerPage.Reason: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("rule", .string(rule)), ("ruleLabel", .string(ruleLabel)), ("message", .string(message)),
      ("evidenceHref", .string(evidenceHref)), ("evidenceLabel", .string(evidenceLabel)),
    ])
  }
}

extension PartnerPage.AccreditationCard: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("anchor", .string(anchor)), ("name", .string(name)), ("status", status.templateValue),
      ("issued", issued.templateValue), ("nextEvaluation", .optional(nextEvaluation)),
      ("nextEvaluationIn", .text(nextEvaluationIn)), ("required", .string(required)), ("reasons", .items(reasons)),
      ("hasReasons", .bool(hasReasons)),
    ])
  }
}

extension PartnerPage.HistoryEntry: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("date", date.templateValue), ("status", status.templateValue), ("reasons", .items(reasons)),
      ("hasReasons", .bool(hasReasons)),
    ])
  }
}

extension PartnerPage.StatusHistory: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("name", .string(name)), ("issued", issued.templateValue), ("entries", .items(entries))])
  }
}

extension PartnerPage.TierRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("anchor", .string(anchor)), ("reviewed", reviewed.templateValue), ("tierLabel", .string(tierLabel)),
      ("isEligible", .bool(isEligible)), ("isCurrent", .bool(isCurrent)),
    ])
  }
}

extension PartnerPage.GraceRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("anchor", .string(anchor)), ("from", from.templateValue), ("until", until.templateValue),
      ("note", .text(note)), ("state", .string(state)), ("isActive", .bool(isActive)),
    ])
  }
}

extension PartnerPage.CertificationRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("anchor", .string(anchor)), ("name", .string(name)), ("earned", earned.templateValue),
      ("expires", .optional(expires)), ("state", .string(state)), ("kind", .string(kind)),
      ("isWarning", .bool(isWarning)),
    ])
  }
}

extension PartnerPage.ScheduledRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("anchor", .string(anchor)), ("date", date.templateValue), ("inDays", .string(inDays)), ("kind", .string(kind)),
      ("text", .string(text)), ("note", .text(note)),
    ])
  }
}

extension PartnerPage.DecisionRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("anchor", .string(anchor)), ("date", date.templateValue), ("accreditation", .string(accreditation)),
      ("outcome", .string(outcome)), ("approval", .string(approval)), ("caseID", .text(caseID)),
      ("caseHref", .text(caseHref)), ("note", .text(note)),
    ])
  }
}

extension TimelineView: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("width", .int(width)), ("height", .int(height)), ("left", .int(left)), ("axisY", .int(axisY)),
      ("labelY", .int(labelY)), ("lanes", .items(lanes)), ("bars", .items(bars)), ("markers", .items(markers)),
      ("ticks", .items(ticks)), ("todayX", .int(todayX)), ("todayLabel", .string(todayLabel)),
      ("summary", .string(summary)), ("events", .items(events)),
    ])
  }
}

extension TimelineView.Lane: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("label", .string(label)), ("y", .int(y)), ("textY", .int(textY))])
  }
}

extension TimelineView.Bar: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("x", .int(x)), ("y", .int(y)), ("width", .int(width)), ("height", .int(height)), ("kind", .string(kind)),
      ("title", .string(title)), ("label", .text(label)), ("labelClass", .string(labelClass)),
      ("labelX", .int(labelX)), ("labelY", .int(labelY)),
    ])
  }
}

extension TimelineView.Marker: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("x", .int(x)), ("y", .int(y)), ("kind", .string(kind)), ("title", .string(title))])
  }
}

extension TimelineView.Tick: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("x", .int(x)), ("label", .string(label))])
  }
}

extension TimelineView.Event: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("date", date.templateValue), ("text", .string(text))])
  }
}

extension PageLink: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("number", .int(number)), ("href", .string(href)), ("isCurrent", .bool(isCurrent)),
      ("gapBefore", .bool(gapBefore)),
    ])
  }
}

extension MarksPage: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("partnerName", .string(partnerName)), ("partnerHref", .string(partnerHref)), ("marks", .items(marks)),
      ("hasMarks", .bool(hasMarks)), ("countText", .string(countText)), ("threshold", .string(threshold)),
    ])
  }
}

extension MarksPage.Row: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("date", date.templateValue), ("caseID", .string(caseID)), ("caseHref", .string(caseHref)),
      ("customer", .string(customer)), ("accreditation", .string(accreditation)),
      ("reviewBoard", .optional(reviewBoard)),
    ])
  }
}

extension ActionsPage: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("weeks", .items(weeks)), ("hasRows", .bool(hasRows)), ("rangeText", .string(rangeText)),
      ("through", through.templateValue), ("days", .int(days)), ("pageNumber", .int(pageNumber)),
      ("pageCount", .int(pageCount)), ("isPaged", .bool(isPaged)), ("previousHref", .text(previousHref)),
      ("nextHref", .text(nextHref)), ("pages", .items(pages)),
    ])
  }
}

extension ActionsPage.Effect: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("accreditation", .string(accreditation)), ("now", .optional(now)), ("then", then.templateValue),
      ("changes", .bool(changes)),
    ])
  }
}

extension ActionsPage.Row: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("date", date.templateValue), ("inDays", .string(inDays)), ("partnerName", .text(partnerName)),
      ("partnerHref", .text(partnerHref)), ("pdm", .string(pdm)), ("what", .string(what)),
      ("caseHref", .text(caseHref)), ("effects", .items(effects)), ("hasEffects", .bool(hasEffects)),
      ("reason", .string(reason)),
    ])
  }
}

extension ActionsPage.Week: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("label", .string(label)), ("id", .string(id)), ("rows", .items(rows))])
  }
}

extension PDMPage: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("name", .string(name)), ("heading", .string(heading)), ("feedHref", .string(feedHref)),
      ("indexHref", .string(indexHref)), ("partnerCount", .string(partnerCount)), ("counts", .items(counts)),
      ("partners", .items(partners)), ("actions", .items(actions)), ("hasActions", .bool(hasActions)),
      ("openCases", .items(openCases)), ("hasOpenCases", .bool(hasOpenCases)), ("days", .int(days)),
      ("pageNumber", .int(pageNumber)), ("pageCount", .int(pageCount)), ("isPaged", .bool(isPaged)),
      ("rangeText", .string(rangeText)), ("previousHref", .text(previousHref)), ("nextHref", .text(nextHref)),
      ("pages", .items(pages)),
    ])
  }
}

extension PDMPage.Count: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("status", status.templateValue), ("count", .string(count))])
  }
}

extension PDMPage.AccreditationLine: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("name", .string(name)), ("status", status.templateValue), ("reason", .string(reason))])
  }
}

extension PDMPage.PartnerRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("name", .string(name)), ("href", .string(href)), ("overall", overall.templateValue),
      ("accreditations", .items(accreditations)), ("hasAccreditations", .bool(hasAccreditations)),
    ])
  }
}

extension PDMPage.CaseRow: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("id", .string(id)), ("href", .string(href)), ("partnerName", .string(partnerName)), ("stage", .string(stage)),
      ("isSerious", .bool(isSerious)), ("since", since.templateValue), ("daysAtStage", .string(daysAtStage)),
    ])
  }
}

extension PartnerList: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("rows", .items(rows)), ("total", .int(total)), ("pageNumber", .int(pageNumber)),
      ("pageCount", .int(pageCount)), ("isPaged", .bool(isPaged)), ("rangeText", .string(rangeText)),
      ("previousHref", .text(previousHref)), ("nextHref", .text(nextHref)), ("pages", .items(pages)),
      ("statusOptions", .items(statusOptions)), ("tierOptions", .list(tierOptions.map { .string($0) })),
    ])
  }
}

extension PartnerList.AccreditationCell: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([("name", .string(name)), ("status", status.templateValue)])
  }
}

extension PartnerList.Row: TemplateRepresentable {
  var templateValue: TemplateValue {
    .fields([
      ("slug", .string(slug)), ("name", .string(name)), ("href", .string(href)), ("tier", .string(tier)),
      ("tierSort", .int(tierSort)), ("inGrace", .bool(inGrace)), ("region", .text(region)), ("pdm", .text(pdm)),
      ("overall", overall.templateValue), ("why", .string(why)), ("statusKeys", .string(statusKeys)),
      ("accreditations", .items(accreditations)), ("hasAccreditations", .bool(hasAccreditations)),
      ("marks", .int(marks)), ("openCases", .int(openCases)), ("nextEvaluation", .optional(nextEvaluation)),
      ("nextEvaluationSort", .string(nextEvaluationSort)), ("nextDueSort", .string(nextDueSort)),
    ])
  }
}
