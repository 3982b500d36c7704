import AccreditContent
import AccreditEngine

/// `board/index.html`: the review board's agenda. Every row comes from the evaluation as of the date: the
/// cases open at the review-board stage, the accreditations whose failed check is the marks rule or an
/// open serious case, the partners one mark from a review, and the board's decisions of the last
/// `decisionDays` days (the records' retain and revoke decisions, and the outcomes of cases that reached
/// the board).
struct BoardPage: Sendable, Encodable {
  static let decisionDays = 90
  /// The most rows a table shows, so that the page does not grow with the program (under 300 KB at
  /// 10,000 partners); the rest are counted under it.
  static let rowLimit = 150

  /// A partner's name and the link to its page.
  struct PartnerLink: Sendable, Encodable {
    let name: String
    let href: String
  }

  /// A case open at the review-board stage.
  struct CaseRow: Sendable, Encodable {
    let id: String
    let href: String
    let partner: PartnerLink
    let customer: String
    let isSerious: Bool
    /// When the case reached the board.
    let since: DateView
    /// "12 days".
    let daysAtStage: String
  }

  /// An accreditation under review because of its marks.
  struct MarksRow: Sendable, Encodable {
    let partner: PartnerLink
    let accreditation: String
    let status: StatusView
    let marks: Int
    let marksHref: String
    let latestMark: DateView
    let latestMarkCase: String
    let latestMarkHref: String
    /// The latest retain decision for the accreditation, if any.
    let lastRetain: DateView?
    /// The next evaluation: the review must be done by then.
    let deadline: DateView?
    /// "needs a retain decision dated on or after 15 Nov 2026".
    let needs: String
  }

  /// A serious case open, with the accreditations it puts under review.
  struct SeriousRow: Sendable, Encodable {
    let partner: PartnerLink
    /// "CRM Implementation, Onboarding Excellence".
    let accreditations: String
    /// The most serious status among them.
    let status: StatusView
    let caseID: String
    let caseHref: String
    /// "review board", the stage the case is at.
    let stage: String
    /// The earliest next evaluation among them.
    let deadline: DateView?
  }

  /// A partner whose next mark sends it to the review board.
  struct ThresholdRow: Sendable, Encodable {
    let partner: PartnerLink
    let marks: Int
    let marksHref: String
    let latestMark: DateView?
    let openCases: Int
  }

  /// A decision of the board.
  struct DecisionRow: Sendable, Encodable {
    let date: DateView
    let partner: PartnerLink
    /// "Retain", "Revoke, with director approval", "Mark placed"…
    let decision: String
    let accreditation: String
    let caseID: String?
    let caseHref: String?
  }

  let openCases: [CaseRow]
  let hasOpenCases: Bool
  /// "and 1,038 more, the longest waiting shown": set when a table is cut at `rowLimit`.
  let moreCases: String?
  let moreMarksReviews: String?
  let moreSeriousReviews: String?
  let moreAtThreshold: String?
  let moreDecisions: String?
  /// What needs doing, which lists every open case.
  let actionsHref: String
  let marksReviews: [MarksRow]
  let hasMarksReviews: Bool
  let seriousReviews: [SeriousRow]
  let hasSeriousReviews: Bool
  let atThreshold: [ThresholdRow]
  let hasAtThreshold: Bool
  let decisions: [DecisionRow]
  let hasDecisions: Bool
  /// "more than 3 marks".
  let threshold: String
  /// "3 marks" (or "1 mark"): what the partners at the threshold have.
  let thresholdMarks: String
  /// The first day of the decisions' window.
  let decisionsSince: DateView
  let decisionDays: Int
}

extension SiteContext {
  func boardPage() -> BoardPage {
    let agenda = BoardAgenda(site: self)
    let reviews = agenda.reviews()
    let since = asOf.adding(days: -BoardPage.decisionDays)
    let threshold = content.standards.marksReviewThreshold
    let limit = BoardPage.rowLimit
    // The rows a table shows, and the count of those it leaves out.
    func cut<Row>(_ rows: [Row], _ rest: String) -> ([Row], String?) {
      (Array(rows.prefix(limit)), rows.count > limit ? "and \(grouped(rows.count - limit)) more \(rest)" : nil)
    }
    let (cases, moreCases) = cut(agenda.casesAtBoard(), "at the board, waiting less long: every open case is on")
    let (marks, moreMarks) = cut(reviews.marks, "with later deadlines")
    let (seriousShown, moreSerious) = cut(reviews.serious, "with later deadlines")
    let (atThreshold, moreThreshold) = cut(reviews.atThreshold, "partners, by name")
    let (decisions, moreDecisions) = cut(
      agenda.decisions(since: since), "decisions, older: the partner pages and the feed have them")
    return BoardPage(
      openCases: cases, hasOpenCases: !cases.isEmpty, moreCases: moreCases, moreMarksReviews: moreMarks,
      moreSeriousReviews: moreSerious, moreAtThreshold: moreThreshold, moreDecisions: moreDecisions,
      actionsHref: Route.board.link(to: .actions),
      marksReviews: marks, hasMarksReviews: !marks.isEmpty,
      seriousReviews: seriousShown, hasSeriousReviews: !seriousShown.isEmpty,
      atThreshold: atThreshold, hasAtThreshold: !atThreshold.isEmpty,
      decisions: decisions, hasDecisions: !decisions.isEmpty,
      threshold: "more than \(plural(threshold, "mark"))", thresholdMarks: plural(threshold, "mark"),
      decisionsSince: DateView(since), decisionDays: BoardPage.decisionDays)
  }
}

/// The board's agenda as of the evaluation date, table by table, each in its order: what `boardPage`
/// cuts and shows.
private struct BoardAgenda {
  let site: SiteContext
  let here = Route.board
  /// What rows without a next evaluation sort by: last.
  let far: Day
  let evaluator: Evaluator
  let bySlug: [String: PartnerEvaluation]
  let names: [String: String]

  init(site: SiteContext) {
    self.site = site
    far = site.asOf.adding(days: 1_000_000)
    evaluator = Evaluator(standards: site.content.standards)
    bySlug = Dictionary(site.evaluations.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    names = bySlug.mapValues(\.name)
  }

  func partnerLink(_ slug: String) -> BoardPage.PartnerLink {
    BoardPage.PartnerLink(name: names[slug] ?? slug, href: here.link(to: .partner(slug: slug)))
  }

  func caseHref(_ slug: String, _ id: String) -> String { here.link(to: .escalation(partner: slug, id: id)) }

  /// The cases open at the review-board stage, longest waiting first.
  func casesAtBoard() -> [BoardPage.CaseRow] {
    let asOf = site.asOf
    // By index: only the cases at the board are copied out of the array (a copy is a retain of each field).
    let all = site.content.cases
    return all.indices.compactMap { index -> (days: Int, row: BoardPage.CaseRow)? in
      // `isOpen` and `currentStep` by the case's fields: a method called on the element copies it, and there
      // are thousands.
      guard let first = all[index].steps.first, first.date <= asOf, all[index].outcome.map({ $0.date > asOf }) ?? true,
        let step = all[index].steps.last(where: { $0.date <= asOf }), step.stage == .reviewBoard
      else { return nil }
      let escalation = all[index]
      let days = step.date.days(until: asOf)
      return (
        days,
        BoardPage.CaseRow(
          id: escalation.id, href: caseHref(escalation.partnerSlug, escalation.id),
          partner: partnerLink(escalation.partnerSlug), customer: escalation.customer,
          isSerious: escalation.isSerious, since: DateView(step.date), daysAtStage: plural(days, "day"))
      )
    }.sorted { ($1.days, $0.row.id) < ($0.days, $1.row.id) }.map(\.row)
  }

  /// The accreditations under review for their marks and for serious cases (by deadline), and the
  /// partners one mark from a review (by name).
  func reviews() -> (
    marks: [BoardPage.MarksRow], serious: [BoardPage.SeriousRow], atThreshold: [BoardPage.ThresholdRow]
  ) {
    var marksRows: [(Day, String, BoardPage.MarksRow)] = []
    var serious: [SeriousKey: [AccreditationEvaluation]] = [:]
    var thresholdRows: [BoardPage.ThresholdRow] = []
    for evaluation in site.evaluations {
      let decisions = site.partners[evaluation.slug]?.decisions ?? []
      for accreditation in evaluation.accreditations where accreditation.status != .revoked {
        for reason in accreditation.reasons {
          switch reason.rule {
          case .marks:
            guard let row = marksRow(evaluation, accreditation, decisions: decisions) else { continue }
            marksRows.append(row)
          case .seriousCase:
            guard let id = reason.caseID else { continue }
            serious[SeriousKey(slug: evaluation.slug, caseID: id), default: []].append(accreditation)
          default:
            continue
          }
        }
      }
      if evaluator.isOneMarkFromReview(evaluation) {
        thresholdRows.append(
          BoardPage.ThresholdRow(
            partner: partnerLink(evaluation.slug), marks: evaluation.marks.count,
            marksHref: here.link(to: .marks(partner: evaluation.slug)),
            latestMark: evaluation.marks.last.map { DateView($0.date) }, openCases: evaluation.openCases.count))
      }
    }
    let seriousRows = serious.map { seriousRow($0.key, $0.value) }
    return (
      marksRows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2),
      seriousRows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2),
      thresholdRows.sorted { $0.partner.name < $1.partner.name }
    )
  }

  struct SeriousKey: Hashable {
    let slug: String
    let caseID: String
  }

  /// An accreditation under review for its marks, with what sorts it: its deadline and its name.
  private func marksRow(
    _ evaluation: PartnerEvaluation, _ accreditation: AccreditationEvaluation, decisions: [Decision]
  ) -> (Day, String, BoardPage.MarksRow)? {
    guard let latest = evaluation.marks.last else { return nil }
    let name = site.accreditationName(accreditation.type)
    let retain = evaluator.latestRetain(of: accreditation.type, in: decisions, on: site.asOf)
    return (
      accreditation.nextEvaluation ?? far, evaluation.name + name,
      BoardPage.MarksRow(
        partner: partnerLink(evaluation.slug), accreditation: name, status: StatusView(accreditation.status),
        marks: evaluation.marks.count, marksHref: here.link(to: .marks(partner: evaluation.slug)),
        latestMark: DateView(latest.date), latestMarkCase: latest.caseID,
        latestMarkHref: caseHref(evaluation.slug, latest.caseID),
        lastRetain: retain.map { DateView($0.date) },
        deadline: accreditation.nextEvaluation.map(DateView.init),
        needs: "needs a retain decision dated on or after \(latest.date.display)")
    )
  }

  /// A serious case open and the accreditations it puts under review, with what sorts it.
  private func seriousRow(_ key: SeriousKey, _ accreditations: [AccreditationEvaluation]) -> (
    Day, String, BoardPage.SeriousRow
  ) {
    let evaluation = bySlug[key.slug]
    let deadline = accreditations.compactMap(\.nextEvaluation).min()
    let stage = evaluation?.openCases.first { $0.id == key.caseID }?.stage.label.lowercased() ?? ""
    return (
      deadline ?? far, (evaluation?.name ?? key.slug) + key.caseID,
      BoardPage.SeriousRow(
        partner: partnerLink(key.slug),
        accreditations: accreditations.map { site.accreditationName($0.type) }.joined(separator: ", "),
        status: StatusView(accreditations.map(\.status).min() ?? .underReview), caseID: key.caseID,
        caseHref: caseHref(key.slug, key.caseID), stage: stage, deadline: deadline.map(DateView.init))
    )
  }

  /// The board's decisions from `since` to the evaluation date, newest first: the records' decisions and
  /// the outcomes of the cases that reached the board.
  func decisions(since: Day) -> [BoardPage.DecisionRow] {
    let asOf = site.asOf
    var decided: [(Day, String, BoardPage.DecisionRow)] = []
    for evaluation in site.evaluations {
      for decision in site.partners[evaluation.slug]?.decisions ?? []
      where decision.date >= since && decision.date <= asOf {
        let word =
          switch decision.outcome {
          case .retain: "Retain"
          case .revoke:
            decision.hasDirectorApproval ? "Revoke, with director approval" : "Revoke, awaiting director approval"
          }
        let accreditation =
          decision.accreditation == Decision.allAccreditations ? "All" : site.accreditationName(decision.accreditation)
        decided.append(
          (
            decision.date, evaluation.name,
            BoardPage.DecisionRow(
              date: DateView(decision.date), partner: partnerLink(evaluation.slug), decision: word,
              accreditation: accreditation, caseID: decision.caseID,
              caseHref: decision.caseID.map { caseHref(evaluation.slug, $0) })
          ))
      }
    }
    let all = site.content.cases
    for index in all.indices {
      // `outcome(through:)` by the field: a method called on the element copies it.
      guard let outcome = all[index].outcome, outcome.date <= asOf, outcome.date >= since,
        all[index].steps.contains(where: { $0.stage == .reviewBoard && $0.date <= outcome.date })
      else { continue }
      let escalation = all[index]
      let word =
        switch outcome.decision {
        case .mark: "Mark placed"
        case .noFault: "Closed: no fault"
        case .resolved: "Closed: resolved"
        }
      decided.append(
        (
          outcome.date, names[escalation.partnerSlug] ?? escalation.partnerSlug,
          BoardPage.DecisionRow(
            date: DateView(outcome.date), partner: partnerLink(escalation.partnerSlug), decision: word,
            accreditation: escalation.accreditation.map { site.accreditationName($0.value) } ?? "Not specified",
            caseID: escalation.id, caseHref: caseHref(escalation.partnerSlug, escalation.id))
        ))
    }
    return decided.sorted { ($1.0, $0.1) < ($0.0, $1.1) }.map(\.2)
  }
}
