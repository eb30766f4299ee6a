import { isObjectType, type GraphQLSchema } from "graphql";
import { decideOperation, OPERATION_POLICY } from "../../server/auth/policy";
import type { Viewer } from "../../server/auth/viewer";
import { Role } from "../../server/common/enums";
import { buildMeridianSchema } from "../../server/schema/build-schema";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";
import { connect } from "../support/ws-client";

/**
 * OPERATION_POLICY against the schema the server emits: every root field has an entry,
 * every entry names a real root field, and a root field without one is refused (deny by
 * default), in the pure rule and through the real server's middleware.
 */

const ROOT_TYPES = ["Query", "Mutation", "Subscription"] as const;

function rootFields(schema: GraphQLSchema): string[] {
  const names: string[] = [];
  for (const typeName of ROOT_TYPES) {
    const type = schema.getType(typeName);
    if (!type) continue;
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    for (const field of Object.keys(type.getFields())) names.push(`${typeName}.${field}`);
  }
  return names.sort();
}

const viewerOf = (role: Role): Viewer => ({
  userId: "00000000-0000-4000-8000-000000000001",
  role,
  displayName: role,
  patientId: role === Role.PATIENT ? "00000000-0000-4000-8000-000000000002" : null,
  reviewerId: role === Role.REVIEWER ? "00000000-0000-4000-8000-000000000003" : null,
  reviewerCountry: role === Role.REVIEWER ? "CN" : null,
  reviewerLanguages: [],
});

const ALL_ROLES = Object.values(Role) as Role[];

describe("the operation policy covers the emitted schema", () => {
  const schema = buildMeridianSchema();
  const fields = rootFields(schema);

  test("the schema has root fields of all three kinds", () => {
    for (const kind of ROOT_TYPES) expect(fields.some((name) => name.startsWith(`${kind}.`))).toBe(true);
  });

  test("every Query, Mutation and Subscription field has an entry in OPERATION_POLICY", () => {
    const missing = fields.filter((name) => !Object.prototype.hasOwnProperty.call(OPERATION_POLICY, name));
    expect(missing).toEqual([]);
  });

  test("every OPERATION_POLICY entry names a root field that exists", () => {
    const stale = Object.keys(OPERATION_POLICY).filter((name) => !fields.includes(name));
    expect(stale).toEqual([]);
  });

  test("every entry is PUBLIC or a non-empty list of known roles", () => {
    for (const [name, rule] of Object.entries(OPERATION_POLICY)) {
      if (rule === "PUBLIC") continue;
      expect({ name, isList: Array.isArray(rule), empty: rule.length === 0 }).toEqual({ name, isList: true, empty: false });
      for (const role of rule) expect(ALL_ROLES).toContain(role);
    }
  });
});

describe("deny by default", () => {
  test("decideOperation refuses a root field without an entry, for every role and for anonymous callers", () => {
    for (const name of ["Query.notInTheTable", "Mutation.dropEverything", "Subscription.everything", "Query.__proto__", "Query.constructor", "__proto__", "constructor", "toString", "hasOwnProperty", ""]) {
      expect(decideOperation(name, null)).toBe("UNAUTHENTICATED");
      for (const role of ALL_ROLES) expect(decideOperation(name, viewerOf(role))).toBe("FORBIDDEN");
    }
  });

  test("decideOperation follows the table for every listed field (ALLOW only for listed roles)", () => {
    for (const [name, rule] of Object.entries(OPERATION_POLICY)) {
      expect(decideOperation(name, null)).toBe(rule === "PUBLIC" ? "ALLOW" : "UNAUTHENTICATED");
      for (const role of ALL_ROLES) {
        expect([name, role, decideOperation(name, viewerOf(role))]).toEqual([name, role, rule === "PUBLIC" || rule.includes(role) ? "ALLOW" : "FORBIDDEN"]);
      }
    }
  });

  describe("through the real server", () => {
    let server: TestServer;
    let f: Fixtures;
    const policy = OPERATION_POLICY as Record<string, unknown>;

    beforeAll(async () => {
      server = await startTestServer({ outboxPollMs: 0 });
      f = await createFixtures(server, "cov");
    });
    afterAll(() => server.close());

    /** Runs `work` with `name` taken out of the table the server's middleware reads, then puts it back. */
    async function without<T>(name: string, work: () => Promise<T>): Promise<T> {
      const saved = policy[name];
      expect(saved).toBeDefined();
      delete policy[name];
      try {
        return await work();
      } finally {
        policy[name] = saved;
      }
    }

    test("a query missing from the table is refused for every role, even ones it would allow", async () => {
      const query = `{ reviewers { id } }`;
      expect(ok(await server.gql(query, {}, f.admin.token)).reviewers.length).toBeGreaterThan(0);
      await without("Query.reviewers", async () => {
        for (const token of [f.admin.token, f.coordinator.token, f.reviewerZh.token, f.patient.token]) {
          const response = await server.gql(query, {}, token);
          expect(response.data?.reviewers ?? null).toBeNull();
          expect(failure(response).code).toBe("FORBIDDEN");
        }
        expect(failure(await server.gql(query, {})).code).toBe("UNAUTHENTICATED");
      });
      expect(ok(await server.gql(query, {}, f.coordinator.token)).reviewers.length).toBeGreaterThan(0);
    });

    test("a PUBLIC query missing from the table is refused too", async () => {
      expect(ok(await server.gql(`{ viewer { id } }`, {})).viewer).toBeNull();
      await without("Query.viewer", async () => {
        expect(failure(await server.gql(`{ viewer { id } }`, {})).code).toBe("UNAUTHENTICATED");
        expect(failure(await server.gql(`{ viewer { id } }`, {}, f.admin.token)).code).toBe("FORBIDDEN");
      });
    });

    test("a mutation missing from the table is refused before its resolver runs (nothing is written)", async () => {
      const countPatients = async () => Number((await server.db.query(`SELECT count(*) AS n FROM patient`))[0].n);
      const before = await countPatients();
      await without("Mutation.createPatient", async () => {
        const response = await server.gql(
          `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }`,
          { input: { fullName: "Nobody Written", dateOfBirth: "1970-01-01", email: "nobody.written@test.meridian", preferredLanguage: "EN" } },
          f.coordinator.token,
        );
        expect(failure(response).code).toBe("FORBIDDEN");
      });
      expect(await countPatients()).toBe(before);
    });

    test("a subscription missing from the table is refused over the WebSocket", async () => {
      const client = connect(server, f.coordinator.token);
      try {
        await without("Subscription.caseStatusChanged", async () => {
          const subscription = client.subscribe(`subscription { caseStatusChanged { id } }`);
          await subscription.waitForEnd();
          expect((subscription.error as Array<{ extensions?: { code?: string } }>)[0].extensions?.code).toBe("FORBIDDEN");
        });
      } finally {
        await client.dispose();
      }
    });
  });
});
