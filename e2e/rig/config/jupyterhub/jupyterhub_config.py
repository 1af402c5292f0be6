# JupyterHub configuration of the KAML-D rig (started by e2e/rig/services/jupyterhub.sh, which
# passes everything through KAML_RIG_* variables; nothing here is specific to one machine).
#
# - Hub and proxy on loopback, state (database, cookie secret, proxy token) in the state folder.
# - SimpleLocalProcessSpawner: every hub user's server runs as the rig's user, in its own folder
#   <state>/users/<name> (no system accounts), with JupyterLab as the default UI.
# - GenericOAuthenticator against the rig's OpenID provider, read from the provider's discovery
#   document at start so either provider the rig runs (Node oidc-provider or Keycloak) works. The
#   hub user name is the `preferred_username` claim: the rig users' names, which are also the
#   names of their Backstage user entities (KAML-D opens servers under that name).
# - Service `kaml-d` with an API token: KAML-D creates hub users, starts their servers and writes
#   starter notebooks into them through the hub's proxy.
import json
import os
import urllib.request

env = os.environ
c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)

host = env.get("KAML_RIG_JUPYTERHUB_HOST", "127.0.0.1")
port = int(env.get("KAML_RIG_JUPYTERHUB_PORT", "28000"))
state = env["KAML_RIG_JUPYTERHUB_STATE"]
public_url = f"http://{host}:{port}"

c.JupyterHub.bind_url = public_url
c.JupyterHub.hub_ip = host
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://{host}:{port + 2}"
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")
# the proxy is a child of the hub: it stops with it (rig_kill stops the process group)
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.cleanup_servers = True

# --- spawner -------------------------------------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "users", "{username}")
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# the single-user servers find the venv's programs (python, jupyter-labhub) on PATH
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "PYTHONPATH"]
# a rig run as root (CI containers): Jupyter Server refuses root unless told
if os.geteuid() == 0:
    c.Spawner.args = ["--allow-root"]

# --- sign-in through the rig's OpenID provider -------------------------------------------------
issuer = env.get("KAML_RIG_OIDC_ISSUER", "").rstrip("/")
metadata_url = env.get("KAML_RIG_OIDC_METADATA_URL") or (
    f"{issuer}/.well-known/openid-configuration" if issuer else ""
)
c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.client_id = env.get("KAML_RIG_OIDC_JUPYTERHUB_CLIENT_ID", "")
c.GenericOAuthenticator.client_secret = env.get("KAML_RIG_OIDC_JUPYTERHUB_CLIENT_SECRET", "")
c.GenericOAuthenticator.oauth_callback_url = f"{public_url}/hub/oauth_callback"
c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
c.GenericOAuthenticator.username_claim = "preferred_username"
c.GenericOAuthenticator.login_service = "KAML-D sign-in"
# every user the provider knows may have a server on the rig
c.GenericOAuthenticator.allow_all = True
if metadata_url:
    try:
        with urllib.request.urlopen(metadata_url, timeout=10) as response:
            discovery = json.load(response)
        c.GenericOAuthenticator.authorize_url = discovery["authorization_endpoint"]
        c.GenericOAuthenticator.token_url = discovery["token_endpoint"]
        c.GenericOAuthenticator.userdata_url = discovery["userinfo_endpoint"]
    except Exception as error:  # the hub still starts: KAML-D's service token needs no login
        print(f"kaml-d rig: could not read {metadata_url} ({error}); OIDC sign-in is off")

# --- KAML-D as a service -------------------------------------------------------------------
c.JupyterHub.services = [
    {"name": "kaml-d", "api_token": env["KAML_RIG_JUPYTERHUB_TOKEN"]},
]
c.JupyterHub.load_roles = [
    {
        "name": "kaml-d",
        "description": "KAML-D opens notebooks for its users",
        "scopes": [
            "admin:users",
            "admin:servers",
            "access:servers",
            "read:users",
            "read:servers",
        ],
        "services": ["kaml-d"],
    },
]
