from accounts.management.commands.grant_role import Command as GrantRole


class Command(GrantRole):
    help = (
        "Retire un rôle à une personne dans un organisme public (--body), ou un rôle global. "
        "Inscrit à l'historique et au journal de sécurité."
    )
    revoke = True
