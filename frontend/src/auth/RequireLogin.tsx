// Sends a visitor who is not logged in to the login page, then back where they were going.
import { Navigate, Outlet, useLocation } from "react-router-dom";
import { Loading } from "../components/ui";
import { useAuth } from "./AuthContext";

export function RequireLogin() {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
