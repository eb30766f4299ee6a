import { Suspense } from "react";
import { Outlet } from "react-router";
import type { Role } from "../generated/graphql";
import { Loading } from "../ui/states";
import { useViewer } from "./auth";
import { RouteError } from "./RouteError";

/** A group of routes for some roles only: anyone else gets "not found", as the API answers. */
export function RoleGate({ roles }: { roles: readonly Role[] }) {
  const viewer = useViewer();
  if (!viewer || !roles.includes(viewer.role)) return <RouteError notFound />;
  return (
    <Suspense fallback={<Loading />}>
      <Outlet />
    </Suspense>
  );
}
