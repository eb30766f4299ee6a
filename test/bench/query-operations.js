// The documents the benchmark sends. Where the web app has the operation, it is read from
// client/src/**/*.graphql with the fragments it spreads, so the bench sends what the app sends.
// The dashboard of the issue (with reviewer institution and record count, which the app's
// Dashboard does not ask for) is written here, once per contender's schema.
const fs = require("node:fs");
const path = require("node:path");
const { Kind, parse, print, visit } = require("graphql");

const CLIENT = path.join(__dirname, "..", "..", "client", "src");

function graphqlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return graphqlFiles(full);
    return entry.name.endsWith(".graphql") ? [full] : [];
  });
}

let definitions;

/** One operation of the web app, with every fragment it needs, as the text the app sends. */
function clientOperation(name) {
  definitions ??= graphqlFiles(CLIENT).flatMap((file) => parse(fs.readFileSync(file, "utf8")).definitions);
  const operation = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!operation) throw new Error(`no operation ${name} under client/src`);
  const fragments = new Map(definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const needed = new Map();
  const collect = (node) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (needed.has(name)) return;
        needed.set(name, fragments.get(name));
        collect(fragments.get(name));
      },
    });
  collect(operation);
  return print({ kind: Kind.DOCUMENT, definitions: [operation, ...needed.values()] });
}

/** The dashboard in Meridian's schema (the baseline answers the same shape). */
const DASHBOARD = `query BenchDashboard($first: Int!) {
  cases(first: $first) {
    totalCount
    edges { node { id reference status statusSince patient { fullName } assignments { status reviewer { displayName institution } } recordCount } }
  }
}`;

/**
 * The same in PostGraphile's schema (its \`id\` is the global node id; the column is \`rowId\`): the same order (opened_at, id, newest first; Meridian's
 * order, served by ix_medical_case_opened), erased cases left out as Meridian does; every
 * seeded record has arrived, so the count of records equals Meridian's recordCount.
 */
const POSTGRAPHILE_DASHBOARD = `query BenchDashboard($first: Int!) {
  allMedicalCases(first: $first, orderBy: [OPENED_AT_DESC, ROW_ID_DESC], condition: { erasedAt: null }) {
    totalCount
    nodes {
      rowId reference status statusSince
      patientByPatientId { fullName }
      reviewAssignmentsByCaseId(orderBy: [INVITED_AT_ASC, ROW_ID_ASC]) { nodes { status reviewerByReviewerId { institution appUserByUserId { displayName } } } }
      medicalRecordsByCaseId { totalCount }
    }
  }
}`;

/** PostGraphile's answer in Meridian's shape, to compare the decoded payloads. */
function fromPostgraphile(answer) {
  const list = answer.data.allMedicalCases;
  return {
    data: {
      cases: {
        totalCount: list.totalCount,
        edges: list.nodes.map((n) => ({
          node: {
            id: n.rowId,
            reference: n.reference,
            status: n.status,
            statusSince: n.statusSince,
            patient: { fullName: n.patientByPatientId.fullName },
            assignments: n.reviewAssignmentsByCaseId.nodes.map((a) => ({ status: a.status, reviewer: { displayName: a.reviewerByReviewerId.appUserByUserId.displayName, institution: a.reviewerByReviewerId.institution } })),
            recordCount: n.medicalRecordsByCaseId.totalCount,
          },
        })),
      },
    },
  };
}

module.exports = { clientOperation, DASHBOARD, POSTGRAPHILE_DASHBOARD, fromPostgraphile };
