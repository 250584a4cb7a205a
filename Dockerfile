# One build, two runtime images: `--target silo` and `--target gateway` (used by docker-compose.yml).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Silo/Vouchers.Silo.csproj -c Release -o /out/silo \
 && dotnet publish src/Gateway/Vouchers.Gateway.csproj -c Release -o /out/gateway

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
WORKDIR /app
COPY --from=build /out/silo .
EXPOSE 11111 30000
ENTRYPOINT ["dotnet", "Vouchers.Silo.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS gateway
WORKDIR /app
COPY --from=build /out/gateway .
EXPOSE 8080
ENTRYPOINT ["dotnet", "Vouchers.Gateway.dll"]
