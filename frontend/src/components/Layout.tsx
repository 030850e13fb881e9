// The frame of every signed-in screen: top bar with navigation and the account menu.
import { Link, NavLink, Outlet, useNavigate } from "react-router-dom";
import { useAuth } from "../auth/AuthContext";

export function Layout() {
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="audino home">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span className="brand-name">audino</span>
        </Link>
        <nav>
          <NavLink to="/" end>
            Projects
          </NavLink>
          <NavLink to="/templates" className="nav-wide">
            Templates
          </NavLink>
          {me?.is_admin ? <NavLink to="/admin/users">Users</NavLink> : null}
        </nav>
        <div className="spacer" />
        <NavLink to="/account" className="user" title="Your account">
          {me?.username}
        </NavLink>
        <button
          type="button"
          className="link"
          onClick={async () => {
            await logout();
            navigate("/login");
          }}
        >
          Log out
        </button>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
