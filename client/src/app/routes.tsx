import { lazy } from "react";
import { createBrowserRouter, Navigate, redirect, type LoaderFunctionArgs } from "react-router";
import type { MeridianClient } from "./apollo";
import { STAFF } from "./navigation";
import { RoleGate } from "./RoleGate";
import { RoleHome } from "./RoleHome";
import { RouteError } from "./RouteError";

const SignInPage = lazy(() => import("../auth/SignInPage"));
const ActivatePage = lazy(() => import("../auth/ActivatePage"));
const ForgotPasswordPage = lazy(() => import("../account/ForgotPasswordPage"));
const ResetPasswordPage = lazy(() => import("../account/ResetPasswordPage"));
const AccountPage = lazy(() => import("../account/AccountPage"));
const UsersPage = lazy(() => import("../admin/UsersPage"));
const NewUserPage = lazy(() => import("../admin/NewUserPage"));
const LegalHoldsPage = lazy(() => import("../admin/LegalHoldsPage"));
const LegalHoldPage = lazy(() => import("../admin/LegalHoldPage"));
const Workspace = lazy(() => import("./Workspace"));
const DashboardPage = lazy(() => import("../cases/DashboardPage"));
const CasePage = lazy(() => import("../cases/CasePage"));
const PatientsPage = lazy(() => import("../patients/PatientsPage"));
const NewPatientPage = lazy(() => import("../patients/NewPatientPage"));
const PatientPage = lazy(() => import("../patients/PatientPage"));
const InvitationsPage = lazy(() => import("../reviewer/InvitationsPage"));
const MyCasesPage = lazy(() => import("../reviewer/MyCasesPage"));
const DueDatesPage = lazy(() => import("../reviewer/DueDatesPage"));
const ReviewCasePage = lazy(() => import("../reviewer/ReviewCasePage"));
const MyCasePage = lazy(() => import("../portal/MyCasePage"));
const MyRecordsPage = lazy(() => import("../portal/MyRecordsPage"));
const MyConsentPage = lazy(() => import("../portal/MyConsentPage"));
const MyOptionsPage = lazy(() => import("../portal/MyOptionsPage"));
const AccessLogPage = lazy(() => import("../portal/AccessLogPage"));

/** Every route's code is its own chunk: the sign-in screen loads only what it shows. */
export function createAppRouter(client: MeridianClient) {
  const requireSignIn = ({ request }: LoaderFunctionArgs) => {
    if (client.session.viewer) return null;
    const url = new URL(request.url);
    const next = url.pathname === "/" ? "" : `?next=${encodeURIComponent(url.pathname + url.search)}`;
    return redirect(`/sign-in${next}`);
  };
  return createBrowserRouter([
    { path: "/sign-in", element: <SignInPage />, errorElement: <RouteError /> },
    { path: "/activate", element: <ActivatePage />, errorElement: <RouteError /> },
    { path: "/forgot-password", element: <ForgotPasswordPage />, errorElement: <RouteError /> },
    // The path of the server's reset mail (server/auth/account-links.ts ACCOUNT_LINKS).
    { path: "/reset-password", element: <ResetPasswordPage />, errorElement: <RouteError /> },
    {
      path: "/",
      loader: requireSignIn,
      element: <Workspace />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <RoleHome dashboard={<DashboardPage />} /> },
        {
          element: <RoleGate roles={STAFF} />,
          children: [
            { path: "patients", element: <PatientsPage /> },
            { path: "patients/new", element: <NewPatientPage /> },
            { path: "patients/:patientId", element: <PatientPage /> },
            { path: "cases/:caseId/:tab?", element: <CasePage /> },
          ],
        },
        {
          path: "review",
          element: <RoleGate roles={["REVIEWER"]} />,
          children: [
            { index: true, element: <InvitationsPage /> },
            { path: "cases", element: <MyCasesPage /> },
            { path: "due", element: <DueDatesPage /> },
            { path: "cases/:caseId", element: <ReviewCasePage /> },
          ],
        },
        { path: "account", element: <AccountPage /> },
        {
          path: "admin",
          element: <RoleGate roles={["ADMIN"]} />,
          children: [
            { index: true, element: <Navigate to="/admin/users" replace /> },
            { path: "users", element: <UsersPage /> },
            { path: "users/new", element: <NewUserPage /> },
            { path: "legal-holds", element: <LegalHoldsPage /> },
            { path: "legal-holds/:patientId", element: <LegalHoldPage /> },
          ],
        },
        {
          path: "my-case",
          element: <RoleGate roles={["PATIENT"]} />,
          children: [
            { index: true, element: <MyCasePage /> },
            { path: "cases/:caseId", element: <MyCasePage /> },
            { path: "records", element: <MyRecordsPage /> },
            { path: "consent", element: <MyConsentPage /> },
            { path: "options", element: <MyOptionsPage /> },
            { path: "access", element: <AccessLogPage /> },
          ],
        },
        { path: "*", element: <RouteError notFound /> },
      ],
    },
  ]);
}
