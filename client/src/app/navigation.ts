import type { Role } from "../generated/graphql";

export interface NavItem {
  to: string;
  /** Catalog key of the link's words. */
  label: string;
  /** Whether the link is the current page for this path. */
  current(pathname: string): boolean;
}

const STAFF_NAVIGATION: NavItem[] = [
  { to: "/", label: "nav.dashboard", current: (path) => path === "/" || path.startsWith("/cases") },
  { to: "/patients", label: "nav.patients", current: (path) => path === "/patients" || /^\/patients\/(?!new)/.test(path) },
  { to: "/patients/new", label: "nav.newPatient", current: (path) => path === "/patients/new" },
];

/** The administration's own pages, after the staff's. */
const ADMIN_NAVIGATION: NavItem[] = [
  { to: "/admin/users", label: "admin.nav.users", current: (path) => path === "/admin/users" },
  { to: "/admin/users/new", label: "admin.nav.newUser", current: (path) => path === "/admin/users/new" },
  { to: "/admin/legal-holds", label: "admin.nav.legalHolds", current: (path) => path.startsWith("/admin/legal-holds") },
];

const PATIENT_NAVIGATION: NavItem[] = [
  { to: "/my-case", label: "portal.nav.case", current: (path) => path === "/my-case" || path.startsWith("/my-case/cases/") },
  { to: "/my-case/records", label: "portal.nav.records", current: (path) => path === "/my-case/records" },
  { to: "/my-case/consent", label: "portal.nav.consent", current: (path) => path === "/my-case/consent" },
  { to: "/my-case/options", label: "portal.nav.options", current: (path) => path === "/my-case/options" },
  { to: "/my-case/access", label: "portal.nav.access", current: (path) => path === "/my-case/access" },
];

/** Where each role lands after signing in: staff on the case dashboard, the others in their own area. */
export const HOME: Record<Role, string> = { COORDINATOR: "/", ADMIN: "/", REVIEWER: "/review", PATIENT: "/my-case" };

export const STAFF: readonly Role[] = ["COORDINATOR", "ADMIN"];

/** Each role's links: a viewer sees only the pages their role may use. */
export const NAVIGATION: Record<Role, NavItem[]> = {
  COORDINATOR: STAFF_NAVIGATION,
  ADMIN: [...STAFF_NAVIGATION, ...ADMIN_NAVIGATION],
  REVIEWER: [
    { to: "/review", label: "review.nav.invitations", current: (path) => path === "/review" },
    { to: "/review/cases", label: "review.nav.cases", current: (path) => path.startsWith("/review/cases") },
    { to: "/review/due", label: "review.nav.due", current: (path) => path === "/review/due" },
  ],
  PATIENT: PATIENT_NAVIGATION,
};
