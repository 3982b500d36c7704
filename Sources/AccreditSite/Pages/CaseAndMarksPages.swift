import AccreditContent
import AccreditEngine

/// `partners/<slug>/cases/<id>/index.html`.
struct CasePage: Sendable, Encodable {
  let id: String
  let partnerName: String
  let partnerHref: String
  let summary: CaseSummary
  let outcome: String?
  let notesHTML: String
  let hasNotes: Bool
}

/// `partners/<slug>/marks/index.html`.
struct MarksPage: Sendable, Encodable {
  struct Row: Sendable, Encodable {
    let date: DateView
    let caseID: String
    let caseHref: String
    let customer: String
    let accreditation: String
    let reviewBoard: DateView?
  }

  let partnerName: String
  let partnerHref: String
  let marks: [Row]
  let hasMarks: Bool
  let countText: String
  let threshold: String
}

extension SiteContext {
  func casePage(_ escalation: EscalationCase, partnerName: String) -> CasePage {
    let outcome = escalation.outcome(through: asOf)
    let here = Route.escalation(partner: escalation.partnerSlug, id: escalation.id)
    return CasePage(
      id: escalation.id, partnerName: partnerName, partnerHref: here.link(to: .partner(slug: escalation.partnerSlug)),
      summary: summary(of: escalation, from: here),
      outcome: outcome.map {
        "\($0.decision.label.prefix(1).uppercased())\($0.decision.label.dropFirst()) on \($0.date.display)"
      },
      notesHTML: content.html(ofNotes: escalation),
      hasNotes: !escalation.notes.allSatisfy(\.isWhitespace))
  }

  func marksPage(_ evaluation: PartnerEvaluation) -> MarksPage {
    let byID = Dictionary((cases[evaluation.slug] ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let rows = evaluation.marks.reversed().map { mark in
      let escalation = byID[mark.caseID]
      return MarksPage.Row(
        date: DateView(mark.date), caseID: mark.caseID,
        caseHref: Route.marks(partner: evaluation.slug).link(
          to: .escalation(partner: evaluation.slug, id: mark.caseID)),
        customer: escalation?.customer ?? "",
        accreditation: escalation?.accreditation.map { accreditationName($0.value) } ?? "Not specified",
        reviewBoard: escalation?.steps.first { $0.stage == .reviewBoard }.map { DateView($0.date) })
    }
    let threshold = content.standards.marksReviewThreshold
    return MarksPage(
      partnerName: evaluation.name,
      partnerHref: Route.marks(partner: evaluation.slug).link(to: .partner(slug: evaluation.slug)), marks: rows,
      hasMarks: !rows.isEmpty,
      countText: plural(rows.count, "mark") + " on record as of \(asOf.display)",
      threshold: "More than \(plural(threshold, "mark")) sends every accreditation to the review board before renewal.")
  }
}
